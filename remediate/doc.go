// Package remediate plans, proves, applies and rolls back fixes for the findings of
// a scan. It never writes to AWS unless its caller asks it to explicitly.
package remediate
