// Package deploy holds crrscan's deployment recipes (Kubernetes, AWS Batch,
// GitHub Actions); its tests check them against the official Kubernetes types
// and the AWS Batch API.
package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/crrscan/crrscan/scanner/scantest"
)

// decodeStrict decodes a YAML document into v as the API server's strict field
// validation does: field names case-sensitive, no duplicate keys, no field v's
// type does not have.
func decodeStrict(doc []byte, v any) error {
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(js, v)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// manifests are the objects of deploy/kubernetes, by kind/name.
type manifests struct {
	accounts map[string]corev1.ServiceAccount
	jobs     map[string]batchv1.JobSpec // Jobs, and CronJobs' job templates
	cron     map[string]batchv1.CronJob
}

func loadManifests(t *testing.T) manifests {
	t.Helper()
	m := manifests{accounts: map[string]corev1.ServiceAccount{}, jobs: map[string]batchv1.JobSpec{}, cron: map[string]batchv1.CronJob{}}
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) < 4 {
		t.Fatalf("manifests: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range bytes.Split(data, []byte("\n---\n")) {
			var head struct{ APIVersion, Kind string }
			if err := yaml.Unmarshal(doc, &head); err != nil {
				t.Fatalf("%s #%d: %v", f, i+1, err)
			}
			where := fmt.Sprintf("%s #%d (%s %s)", f, i+1, head.APIVersion, head.Kind)
			switch head.APIVersion + " " + head.Kind {
			case "v1 ServiceAccount":
				var sa corev1.ServiceAccount
				if err := decodeStrict(doc, &sa); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				m.accounts[sa.Name] = sa
			case "batch/v1 Job":
				var j batchv1.Job
				if err := decodeStrict(doc, &j); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				m.jobs["Job/"+j.Name] = j.Spec
			case "batch/v1 CronJob":
				var c batchv1.CronJob
				if err := decodeStrict(doc, &c); err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				m.cron[c.Name] = c
				m.jobs["CronJob/"+c.Name] = c.Spec.JobTemplate.Spec
			default:
				t.Fatalf("%s: unexpected kind", where)
			}
		}
	}
	return m
}

// flagValue is the value after flag in args, "" when absent.
func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// TestKubernetesManifests: every manifest decodes strictly into the official
// types (k8s.io/api); shard Jobs are Indexed with completions equal to --shards
// (JOB_COMPLETION_INDEX runs from 0 to completions-1: "Indexed Job", Kubernetes
// documentation, Jobs), get their run id from the Job's name label, and write
// their snapshots where a merge reads them; every pod runs as non-root under the
// service account, which carries the IRSA annotation ("IAM roles for service
// accounts", Amazon EKS User Guide).
func TestKubernetesManifests(t *testing.T) {
	m := loadManifests(t)
	sa, ok := m.accounts["crrscan"]
	if !ok || !strings.HasPrefix(sa.Annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::") {
		t.Fatalf("service account crrscan with an IRSA role annotation: %+v", sa)
	}
	var shardPrefixes, mergeInputs []string
	for name, spec := range m.jobs {
		pod := spec.Template.Spec
		if pod.ServiceAccountName != sa.Name || pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: service account %q, security context %+v", name, pod.ServiceAccountName, pod.SecurityContext)
		}
		if len(pod.Containers) != 1 || pod.RestartPolicy != corev1.RestartPolicyNever {
			t.Fatalf("%s: %d containers, restart policy %s", name, len(pod.Containers), pod.RestartPolicy)
		}
		args := pod.Containers[0].Args
		switch args[0] {
		case "scan":
			if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion || spec.Completions == nil {
				t.Fatalf("%s: a sharded scan must be an Indexed Job with completions", name)
			}
			if got := flagValue(args, "--shards"); got != fmt.Sprint(*spec.Completions) {
				t.Errorf("%s: --shards %q, completions %d", name, got, *spec.Completions)
			}
			var runID *corev1.EnvVar
			for i, e := range pod.Containers[0].Env {
				if e.Name == "CRRSCAN_RUN_ID" {
					runID = &pod.Containers[0].Env[i]
				}
			}
			if runID == nil || runID.ValueFrom == nil || runID.ValueFrom.FieldRef == nil ||
				runID.ValueFrom.FieldRef.FieldPath != "metadata.labels['batch.kubernetes.io/job-name']" {
				t.Errorf("%s: CRRSCAN_RUN_ID must come from the Job's name label: %+v", name, runID)
			}
			out := flagValue(args, "--snapshot-out")
			if !strings.Contains(out, "{shard}") || !strings.HasSuffix(out, ".snapshot.json") {
				t.Errorf("%s: --snapshot-out %q must name one file per shard ({shard}, *.snapshot.json)", name, out)
			}
			shardPrefixes = append(shardPrefixes, out[:strings.LastIndex(out, "/")+1])
		case "merge":
			mergeInputs = append(mergeInputs, args[1])
		default:
			t.Errorf("%s: runs %q", name, args[0])
		}
	}
	// The one-off merge reads the one-off Job's run ({run} is its name); the
	// nightly one reads the night's {date}.
	want := []string{
		strings.ReplaceAll(shardPrefixes[0], "{run}", "crrscan-shards"),
		strings.ReplaceAll(shardPrefixes[1], "{run}", "crrscan-shards"),
	}
	for _, in := range mergeInputs {
		if !slices.Contains(want, in) {
			t.Errorf("merge reads %q, the shards write under %q", in, shardPrefixes)
		}
	}
	if len(mergeInputs) != 2 || len(shardPrefixes) != 2 || len(m.cron) != 2 {
		t.Errorf("%d merges, %d shard jobs, %d cron jobs", len(mergeInputs), len(shardPrefixes), len(m.cron))
	}
}

// TestBatchJobDefinitionsRegisterOnMoto registers the AWS Batch job definitions
// with the aws CLI, as the README tells users to, against moto, and reads them
// back.
func TestBatchJobDefinitionsRegisterOnMoto(t *testing.T) {
	mt := scantest.RequireMoto(t)
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the aws CLI is required under CI=true")
		}
		t.Skip("no aws CLI")
	}
	env := append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	aws := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", mt.URL, "--output", "json"}, args...)...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return out
	}
	for _, f := range []string{"aws-batch/shard-job-definition.json", "aws-batch/merge-job-definition.json"} {
		var def struct {
			JobDefinitionName   string
			ContainerProperties struct{ Command []string }
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &def); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var reg struct{ JobDefinitionArn, JobDefinitionName string }
		if err := json.Unmarshal(aws("batch", "register-job-definition", "--cli-input-json", "file://"+f), &reg); err != nil {
			t.Fatal(err)
		}
		if reg.JobDefinitionName != def.JobDefinitionName || !strings.Contains(reg.JobDefinitionArn, ":job-definition/"+def.JobDefinitionName+":1") {
			t.Fatalf("%s registered as %+v", f, reg)
		}
		var got struct {
			JobDefinitions []struct {
				ContainerProperties struct{ Command []string }
			}
		}
		if err := json.Unmarshal(aws("batch", "describe-job-definitions", "--job-definition-name", def.JobDefinitionName), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.JobDefinitions) != 1 || !slices.Equal(got.JobDefinitions[0].ContainerProperties.Command, def.ContainerProperties.Command) {
			t.Errorf("%s read back: %+v", f, got)
		}
		if cmd := def.ContainerProperties.Command; cmd[0] == "scan" && (slices.Contains(cmd, "--shard") || slices.Contains(cmd, "--shards")) {
			t.Errorf("%s: an array job's children take their shard from AWS_BATCH_JOB_ARRAY_INDEX and _SIZE", f)
		}
	}
}
