package report

// Action classes: what applying an action does, and so whether a remediation runs it
// without being told (only additive ones do).
const (
	// ClassAdditive grants or enables something and can be undone.
	ClassAdditive = "additive"
	// ClassIrreversible cannot be fully undone (versioning can only be suspended
	// afterwards; Object Lock can never be turned off).
	ClassIrreversible = "irreversible"
	// ClassNarrowing removes permissions or changes ownership or public access: it may
	// break other users of the role or bucket.
	ClassNarrowing = "narrowing"
	// ClassManual needs a human decision; a remediation never runs it.
	ClassManual = "manual"
)

// Action is one AWS API call that fixes (part of) a finding: Op is the operation
// ("s3:PutBucketVersioning", "iam:PutRolePolicy", ...), Params its exact request in
// the API's own field names (policy documents as JSON objects), Target the ARN of the
// resource it changes, in AccountID and Region ("" for IAM, which is global). The aws
// CLI commands a finding shows are rendered from its actions.
type Action struct {
	Op        string         `json:"op"`
	AccountID string         `json:"account_id"`
	Region    string         `json:"region"`
	Target    string         `json:"target"`
	Params    map[string]any `json:"params"`
	Class     string         `json:"class"`
	// Document is the file name the rendered CLI command reads the request's
	// document from (file://NAME); "" for an operation without one.
	Document string `json:"document,omitempty"`
}
