package scanner

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/smithy-go/logging"
)

// CredentialsError says that no AWS credentials were found: which chain was
// tried and how to configure one.
type CredentialsError struct {
	// Profile is the shared-config profile tried ("" for the standard chain).
	Profile string
	// Err is the SDK's last error.
	Err error
}

func (e *CredentialsError) Error() string {
	tried := "the standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/config and ~/.aws/credentials, SSO, web identity, container and EC2 instance roles)"
	if p := e.Profile; p != "" {
		tried = fmt.Sprintf("profile %q of ~/.aws/config and ~/.aws/credentials", p)
	} else if p := os.Getenv("AWS_PROFILE"); p != "" {
		tried = fmt.Sprintf("profile %q (from AWS_PROFILE) of ~/.aws/config and ~/.aws/credentials", p)
	}
	return fmt.Sprintf("no AWS credentials: tried %s; configure some (aws configure, aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) or use --from-snapshot; --log-level debug shows the SDK's reason", tried)
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// CheckCredentials makes sure the credentials of o (its Profile, else the
// standard chain) can be obtained, before anything is scanned. Failing that it
// returns a *CredentialsError; the SDK's reason goes to o.Logger at debug level.
func CheckCredentials(ctx context.Context, o Options) error {
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return err
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if o.Logger != nil {
			o.Logger.Debug("no AWS credentials", "profile", o.Profile, "error", err)
		}
		return &CredentialsError{Profile: o.Profile, Err: err}
	}
	return nil
}

// sdkLogger sends the SDK's own log lines (such as "falling back to IMDSv1") to
// l at debug level, so that they show only with --log-level debug.
func sdkLogger(l *slog.Logger) logging.Logger {
	if l == nil {
		return logging.Nop{}
	}
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		l.Debug(fmt.Sprintf(format, v...), "source", "aws-sdk", "classification", string(c))
	})
}
