package scanner

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Error codes the scanner gives a meaning to. The SDK models none of them as a
// typed error for the operations that return them, so codes are compared as strings.
const (
	codeReplicationNotFound = "ReplicationConfigurationNotFoundError"
	codeNoSuchTagSet        = "NoSuchTagSet"
	codeNotFound            = "NotFound"
	codeNoSuchEntity        = "NoSuchEntity"
	codeAccessDenied        = "AccessDenied"

	// S3's "not configured" answers to the bucket-configuration reads.
	codeNoEncryption        = "ServerSideEncryptionConfigurationNotFoundError"
	codeNoObjectLock        = "ObjectLockConfigurationNotFoundError"
	codeNoOwnershipControls = "OwnershipControlsNotFoundError"
	codeNoPublicAccessBlock = "NoSuchPublicAccessBlockConfiguration"
	codeNoLifecycle         = "NoSuchLifecycleConfiguration"
	codeNoBucketPolicy      = "NoSuchBucketPolicy"

	// KMS (awsJson) error codes.
	codeKMSNotFound     = "NotFoundException"
	codeKMSAccessDenied = "AccessDeniedException"

	// codeRequestError stands in for failures that carry no AWS error code
	// (connection refused, timeouts, unreadable responses).
	codeRequestError = "RequestError"
	// codeMalformedPolicy marks an IAM document that could not be decoded.
	codeMalformedPolicy = "MalformedPolicyDocument"
	// codeInvalidArn marks a resource name in a configuration that is not an ARN
	// of the expected kind, so the resource could not be looked up.
	codeInvalidArn = "InvalidArn"
	// codeAmbiguousKeyRef marks a KMS key named without a region (key id or alias
	// name) that resolves to different keys in different regions: the snapshot
	// indexes keys by the reference as configured and cannot hold both.
	codeAmbiguousKeyRef = "AmbiguousKeyReference"
)

// headerBucketRegion is where S3 names a bucket's region, on success and on errors.
const headerBucketRegion = "X-Amz-Bucket-Region"

// errorCode returns the AWS error code of err, or "" when err carries none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// httpStatus returns the HTTP status of the response that produced err, or 0.
func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// responseHeader returns a header of the error response that produced err.
func responseHeader(err error, name string) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		return re.Response.Header.Get(name)
	}
	return ""
}

// newCollectionError turns a failed read into data.
func newCollectionError(op, resource, component string, err error) CollectionError {
	ce := CollectionError{Operation: op, Resource: resource, Component: component}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		ce.Code = ae.ErrorCode()
		ce.Message = ae.ErrorMessage()
		if ce.Message == "" {
			// HEAD responses carry no body, hence no message: say what came back.
			if st := httpStatus(err); st != 0 {
				ce.Message = http.StatusText(st)
			}
		}
		return ce
	}
	ce.Code = codeRequestError
	ce.Message = err.Error()
	return ce
}
