#!/bin/sh
# Submits one sharded scan: an array job of SHARDS children (each reads its index
# from AWS_BATCH_JOB_ARRAY_INDEX and the count from AWS_BATCH_JOB_ARRAY_SIZE; the
# run id is the array job's id, the part of AWS_BATCH_JOB_ID before ':'), then the
# merge, which starts once every child has finished (an array dependency).
# Usage: QUEUE=crrscan SHARDS=4 BUCKET=example-audit-bucket deploy/aws-batch/submit.sh
set -eu
: "${QUEUE:?the job queue}" "${BUCKET:?the bucket the shards write to}"
SHARDS=${SHARDS:-4}
array=$(aws batch submit-job --job-name crrscan-shards --job-queue "$QUEUE" \
  --job-definition crrscan-shard --array-properties size="$SHARDS" \
  --parameters "snapshots=s3://$BUCKET/crrscan/{run}/shard-{shard}.snapshot.json,partials=s3://$BUCKET/crrscan/{run}/partial-{shard}/" \
  --query jobId --output text)
aws batch submit-job --job-name crrscan-merge --job-queue "$QUEUE" \
  --job-definition crrscan-merge --depends-on "jobId=$array" \
  --parameters "shards=s3://$BUCKET/crrscan/$array/,output=s3://$BUCKET/crrscan/$array/merged/" \
  --query jobId --output text
