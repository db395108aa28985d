package fakeaws

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Namespaces of the awsQuery services' responses.
const (
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
	ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
)

// parseForm reads the form body of an awsQuery or ec2Query request and names the
// operation after its Action field.
func parseForm(rq *request) *APIError {
	if rq.r.Method != http.MethodPost {
		rq.op = "other"
		return apiError(http.StatusBadRequest, "InvalidAction", "awsQuery requests are POSTs")
	}
	if err := rq.r.ParseForm(); err != nil {
		rq.op = "other"
		return apiError(http.StatusBadRequest, "MalformedQueryString", "%v", err)
	}
	rq.op = rq.r.PostForm.Get("Action")
	if rq.op == "" {
		rq.op = "other"
		return apiError(http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action")
	}
	return nil
}

// writeQueryResult answers 200 with <OpResponse><OpResult>result</OpResult>…</OpResponse>.
func writeQueryResult(rq *request, ns string, result any) {
	var buf bytes.Buffer
	buf.WriteString(`<` + rq.op + `Response xmlns="` + ns + `">`)
	enc := xml.NewEncoder(&buf)
	if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: rq.op + "Result"}}); err != nil {
		http.Error(rq.w, "fakeaws: "+err.Error(), http.StatusInternalServerError)
		return
	}
	buf.WriteString(`<ResponseMetadata><RequestId>` + rq.reqID + `</RequestId></ResponseMetadata></` + rq.op + `Response>`)
	rq.w.Header().Set("Content-Type", "text/xml")
	rq.w.Write(buf.Bytes())
}

// writeQueryError writes awsQuery's <ErrorResponse><Error><Type/><Code/><Message/></Error>.
func writeQueryError(rq *request, ns string, err *APIError) {
	typ := "Sender"
	if err.Status >= 500 {
		typ = "Receiver"
	}
	var buf bytes.Buffer
	_ = xml.NewEncoder(&buf).Encode(struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
		ReqID   string   `xml:"RequestId"`
	}{Xmlns: ns, Type: typ, Code: err.Code, Message: err.Message, ReqID: rq.reqID})
	rq.w.Header().Set("Content-Type", "text/xml")
	rq.w.WriteHeader(err.Status)
	rq.w.Write(buf.Bytes())
}

// iamTime is IAM's and STS's ISO-8601 timestamp.
func iamTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// encodeDocument URL-encodes a policy document as IAM returns it (RFC 3986:
// spaces as %20, a literal + as %2B).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// page cuts items at marker (an index) and maxItems (default 100), returning the
// next marker ("" when done).
func page[T any](items []T, marker, maxItems string) ([]T, string, *APIError) {
	start := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", apiError(http.StatusBadRequest, "InvalidInput", "Invalid Marker")
		}
		start = n
	}
	limit := 100
	if maxItems != "" {
		n, err := strconv.Atoi(maxItems)
		if err != nil || n < 1 || n > 1000 {
			return nil, "", apiError(http.StatusBadRequest, "InvalidInput", "MaxItems must be between 1 and 1000")
		}
		limit = n
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

// iamService is IAM (awsQuery, Version 2010-05-08). IAM is global: the region of
// the signature does not matter. Every read concerns the caller's account,
// except AWS managed policies, which every account reads.
type iamService struct{}

func (iamService) parse(rq *request) *APIError {
	if err := parseForm(rq); err != nil {
		return err
	}
	f := rq.r.PostForm
	switch rq.op {
	case "GetPolicy", "GetPolicyVersion":
		rq.resource = f.Get("PolicyArn")
	default:
		rq.resource = f.Get("RoleName")
	}
	return nil
}

func (iamService) writeError(rq *request, err *APIError) { writeQueryError(rq, iamNS, err) }

type iamRoleXML struct {
	Path                     string `xml:"Path"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument,omitempty"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration"`
	Boundary                 *struct {
		Type string `xml:"PermissionsBoundaryType"`
		Arn  string `xml:"PermissionsBoundaryArn"`
	} `xml:"PermissionsBoundary,omitempty"`
}

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

func (iamService) serve(rq *request) *APIError {
	ix := rq.srv.index
	f := rq.r.PostForm
	switch rq.op {
	case "GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies":
		name := f.Get("RoleName")
		role := ix.roles[rq.account+"/"+name]
		if role == nil {
			return apiError(http.StatusNotFound, "NoSuchEntity", "The role with name %s cannot be found.", name)
		}
		return serveRole(rq, role)
	case "GetPolicy", "GetPolicyVersion":
		arn := f.Get("PolicyArn")
		acct, ok := policyAccount(arn)
		if !ok {
			return apiError(http.StatusBadRequest, "InvalidInput", "ARN %s is not valid.", arn)
		}
		if acct != "aws" && acct != rq.account {
			return apiError(http.StatusForbidden, "AccessDenied", "User is not authorized to perform: iam:%s on resource: policy %s", rq.op, arn)
		}
		p := ix.policies[arn]
		if p == nil {
			return apiError(http.StatusNotFound, "NoSuchEntity", "Policy %s does not exist or is not attachable.", arn)
		}
		if rq.op == "GetPolicy" {
			writeQueryResult(rq, iamNS, struct {
				PolicyName       string `xml:"Policy>PolicyName"`
				PolicyID         string `xml:"Policy>PolicyId"`
				Arn              string `xml:"Policy>Arn"`
				Path             string `xml:"Policy>Path"`
				DefaultVersionID string `xml:"Policy>DefaultVersionId"`
				AttachmentCount  int    `xml:"Policy>AttachmentCount"`
				IsAttachable     bool   `xml:"Policy>IsAttachable"`
				CreateDate       string `xml:"Policy>CreateDate"`
				UpdateDate       string `xml:"Policy>UpdateDate"`
			}{p.Name, fakeID("ANPA", arn), arn, "/", p.DefaultVersion, 1, true, iamTime(p.Created), iamTime(p.Created)})
			return nil
		}
		v := f.Get("VersionId")
		doc, ok := p.Versions[v]
		if !ok {
			return apiError(http.StatusNotFound, "NoSuchEntity", "Policy %s version %s does not exist or is not attachable.", arn, v)
		}
		writeQueryResult(rq, iamNS, struct {
			Document         string `xml:"PolicyVersion>Document"`
			VersionID        string `xml:"PolicyVersion>VersionId"`
			IsDefaultVersion bool   `xml:"PolicyVersion>IsDefaultVersion"`
			CreateDate       string `xml:"PolicyVersion>CreateDate"`
		}{encodeDocument(doc), v, v == p.DefaultVersion, iamTime(p.Created)})
		return nil
	}
	return apiError(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2010-05-08", rq.op)
}

func serveRole(rq *request, role *Role) *APIError {
	f := rq.r.PostForm
	switch rq.op {
	case "GetRole":
		path := role.Path
		if path == "" {
			path = "/"
		}
		rx := iamRoleXML{
			Path: path, RoleName: role.Name, RoleID: fakeID("AROA", role.Account+role.Name),
			Arn:        RoleArn(role.Account, role.Path, role.Name),
			CreateDate: iamTime(role.Created), AssumeRolePolicyDocument: encodeDocument(role.TrustPolicy),
			MaxSessionDuration: 3600,
		}
		if role.TrustPolicy == "" {
			rx.AssumeRolePolicyDocument = ""
		}
		if role.PermissionsBoundary != "" {
			rx.Boundary = &struct {
				Type string `xml:"PermissionsBoundaryType"`
				Arn  string `xml:"PermissionsBoundaryArn"`
			}{"Policy", role.PermissionsBoundary}
		}
		writeQueryResult(rq, iamNS, struct {
			Role iamRoleXML `xml:"Role"`
		}{rx})
	case "ListRolePolicies":
		names := make([]string, len(role.InlinePolicies))
		for i, p := range role.InlinePolicies {
			names[i] = p.Name
		}
		got, next, err := page(names, f.Get("Marker"), f.Get("MaxItems"))
		if err != nil {
			return err
		}
		writeQueryResult(rq, iamNS, struct {
			PolicyNames []string `xml:"PolicyNames>member"`
			IsTruncated bool     `xml:"IsTruncated"`
			Marker      string   `xml:"Marker,omitempty"`
		}{got, next != "", next})
	case "GetRolePolicy":
		name := f.Get("PolicyName")
		for _, p := range role.InlinePolicies {
			if p.Name == name {
				writeQueryResult(rq, iamNS, struct {
					RoleName       string `xml:"RoleName"`
					PolicyName     string `xml:"PolicyName"`
					PolicyDocument string `xml:"PolicyDocument"`
				}{role.Name, p.Name, encodeDocument(p.Document)})
				return nil
			}
		}
		return apiError(http.StatusNotFound, "NoSuchEntity", "The role policy with name %s cannot be found.", name)
	case "ListAttachedRolePolicies":
		items := make([]attachedPolicyXML, len(role.AttachedPolicies))
		for i, arn := range role.AttachedPolicies {
			_, name, _ := strings.Cut(arn, ":policy/")
			if j := strings.LastIndex(name, "/"); j >= 0 {
				name = name[j+1:]
			}
			items[i] = attachedPolicyXML{PolicyName: name, PolicyArn: arn}
		}
		got, next, err := page(items, f.Get("Marker"), f.Get("MaxItems"))
		if err != nil {
			return err
		}
		writeQueryResult(rq, iamNS, struct {
			AttachedPolicies []attachedPolicyXML `xml:"AttachedPolicies>member"`
			IsTruncated      bool                `xml:"IsTruncated"`
			Marker           string              `xml:"Marker,omitempty"`
		}{got, next != "", next})
	}
	return nil
}

// policyAccount is the account of a managed policy ARN ("aws" for AWS managed ones).
func policyAccount(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "policy/") {
		return "", false
	}
	return parts[4], true
}

// fakeID makes a stable IAM-style unique id from s.
func fakeID(prefix, s string) string {
	h := splitmix(uint64(len(s)))
	for _, c := range []byte(s) {
		h = splitmix(h ^ uint64(c))
	}
	return prefix + strings.ToUpper(strconv.FormatUint(h, 36))
}

// stsService is STS (awsQuery, Version 2011-06-15).
type stsService struct{}

func (stsService) parse(rq *request) *APIError {
	if err := parseForm(rq); err != nil {
		return err
	}
	rq.resource = rq.r.PostForm.Get("RoleArn")
	return nil
}

func (stsService) writeError(rq *request, err *APIError) { writeQueryError(rq, stsNS, err) }

func (stsService) serve(rq *request) *APIError {
	s := rq.srv
	switch rq.op {
	case "GetCallerIdentity":
		arn, userID := "arn:aws:iam::"+rq.account+":user/fakeaws", fakeID("AIDA", rq.account)
		if v, ok := s.sessions.Load(rq.akid); ok {
			ss := v.(session)
			arn = "arn:aws:sts::" + ss.account + ":assumed-role/" + ss.role + "/" + ss.name
			userID = fakeID("AROA", ss.account+ss.role) + ":" + ss.name
		}
		writeQueryResult(rq, stsNS, struct {
			Arn     string `xml:"Arn"`
			UserID  string `xml:"UserId"`
			Account string `xml:"Account"`
		}{arn, userID, rq.account})
		return nil
	case "AssumeRole":
		return assumeRole(rq)
	}
	return apiError(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2011-06-15", rq.op)
}

// assumeRole hands out session credentials of the role's account when the role
// is the estate's access role or one of its roles, the account is ACTIVE and the
// external id matches.
func assumeRole(rq *request) *APIError {
	s := rq.srv
	ix := s.index
	f := rq.r.PostForm
	roleArn, sessName := f.Get("RoleArn"), f.Get("RoleSessionName")
	if sessName == "" {
		return apiError(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	denied := apiError(http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::%s:user/fakeaws is not authorized to perform: sts:AssumeRole on resource: %s", rq.account, roleArn)
	parts := strings.SplitN(roleArn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return apiError(http.StatusBadRequest, "ValidationError", "%s is invalid", roleArn)
	}
	account, rolePath := parts[4], strings.TrimPrefix(parts[5], "role")
	name := rolePath[strings.LastIndex(rolePath, "/")+1:]
	a, ok := ix.accounts[account]
	if !ok || !active(a) {
		return denied
	}
	if name != ix.accessRole && ix.roles[account+"/"+name] == nil {
		return denied
	}
	if ix.estate.ExternalID != "" && f.Get("ExternalId") != ix.estate.ExternalID {
		return denied
	}
	dur := 3600
	if v := f.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			return apiError(http.StatusBadRequest, "ValidationError", "DurationSeconds must be between 900 and 43200")
		}
		dur = n
	}
	key := sessionKey(account, s.nextSess.Add(1))
	s.sessions.Store(key, session{account: account, role: name, name: sessName})
	writeQueryResult(rq, stsNS, struct {
		AssumedRoleID   string `xml:"AssumedRoleUser>AssumedRoleId"`
		AssumedRoleArn  string `xml:"AssumedRoleUser>Arn"`
		AccessKeyID     string `xml:"Credentials>AccessKeyId"`
		SecretAccessKey string `xml:"Credentials>SecretAccessKey"`
		SessionToken    string `xml:"Credentials>SessionToken"`
		Expiration      string `xml:"Credentials>Expiration"`
	}{
		fakeID("AROA", account+name) + ":" + sessName,
		"arn:aws:sts::" + account + ":assumed-role/" + name + "/" + sessName,
		key, "fakeaws-secret", "fakeaws-session-" + key,
		iamTime(time.Now().Add(time.Duration(dur) * time.Second)),
	})
	return nil
}

// ec2Service is EC2's DescribeRegions (ec2Query, Version 2016-11-15).
type ec2Service struct{}

func (ec2Service) parse(rq *request) *APIError { return parseForm(rq) }

func (ec2Service) serve(rq *request) *APIError {
	if rq.op != "DescribeRegions" {
		return apiError(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service.", rq.op)
	}
	type item struct {
		RegionName     string `xml:"regionName"`
		RegionEndpoint string `xml:"regionEndpoint"`
		OptInStatus    string `xml:"optInStatus"`
	}
	var out struct {
		XMLName   xml.Name `xml:"DescribeRegionsResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		RequestID string   `xml:"requestId"`
		Items     []item   `xml:"regionInfo>item"`
	}
	out.Xmlns, out.RequestID = ec2NS, rq.reqID
	for _, r := range rq.srv.index.estate.Regions {
		out.Items = append(out.Items, item{r, "ec2." + r + ".amazonaws.com", "opt-in-not-required"})
	}
	var buf bytes.Buffer
	_ = xml.NewEncoder(&buf).Encode(out)
	rq.w.Header().Set("Content-Type", "text/xml")
	rq.w.Write(buf.Bytes())
	return nil
}

// writeError writes EC2's <Response><Errors><Error>.
func (ec2Service) writeError(rq *request, err *APIError) {
	var buf bytes.Buffer
	_ = xml.NewEncoder(&buf).Encode(struct {
		XMLName   xml.Name `xml:"Response"`
		Code      string   `xml:"Errors>Error>Code"`
		Message   string   `xml:"Errors>Error>Message"`
		RequestID string   `xml:"RequestID"`
	}{Code: err.Code, Message: err.Message, RequestID: rq.reqID})
	rq.w.Header().Set("Content-Type", "text/xml")
	rq.w.WriteHeader(err.Status)
	rq.w.Write(buf.Bytes())
}
