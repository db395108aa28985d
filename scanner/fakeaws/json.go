package fakeaws

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// readJSON decodes a request body into v; an empty body leaves v as it is.
func readJSON(rq *request, v any) *APIError {
	data, err := io.ReadAll(rq.r.Body)
	if err != nil {
		return apiError(http.StatusBadRequest, "SerializationException", "%v", err)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return apiError(http.StatusBadRequest, "SerializationException", "%v", err)
	}
	return nil
}

// parseTarget names an awsJson1_1 operation after X-Amz-Target (Prefix.Operation).
func parseTarget(rq *request, prefix string) *APIError {
	target := rq.r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, prefix+".")
	if !ok || op == "" {
		rq.op = "other"
		return apiError(http.StatusBadRequest, "UnknownOperationException", "unknown target %q", target)
	}
	rq.op = op
	return nil
}

// writeJSON answers 200 with v.
func writeJSON(rq *request, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(rq.w, "fakeaws: "+err.Error(), http.StatusInternalServerError)
		return
	}
	rq.w.Header().Set("Content-Type", contentType)
	rq.w.Write(data)
}

// writeJSONError writes awsJson1_1's {"__type","message"}.
func writeJSONError(rq *request, err *APIError) {
	data, _ := json.Marshal(map[string]string{"__type": err.Code, "message": err.Message})
	rq.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	rq.w.WriteHeader(err.Status)
	rq.w.Write(data)
}

const jsonContentType = "application/x-amz-json-1.1"

// jsonRequest is the union of the awsJson request members the fake reads.
type jsonRequest struct {
	// Organizations
	MaxResults int    `json:"MaxResults"`
	NextToken  string `json:"NextToken"`
	// KMS
	KeyID      string `json:"KeyId"`
	PolicyName string `json:"PolicyName"`
	// Account
	AccountID               string   `json:"AccountId"`
	RegionOptStatusContains []string `json:"RegionOptStatusContains"`
}

// orgService is Organizations (awsJson1_1, AWSOrganizationsV20161128). Only the
// management account may call it.
type orgService struct{}

func (orgService) parse(rq *request) *APIError {
	return parseTarget(rq, "AWSOrganizationsV20161128")
}

func (orgService) writeError(rq *request, err *APIError) { writeJSONError(rq, err) }

func (orgService) serve(rq *request) *APIError {
	ix := rq.srv.index
	mgmt := ix.estate.ManagementAccount
	if mgmt == "" {
		return apiError(http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	var in jsonRequest
	if err := readJSON(rq, &in); err != nil {
		return err
	}
	orgID := "o-fake" + mgmt[len(mgmt)-6:]
	switch rq.op {
	case "DescribeOrganization":
		writeJSON(rq, jsonContentType, map[string]any{"Organization": map[string]any{
			"Id": orgID, "Arn": "arn:aws:organizations::" + mgmt + ":organization/" + orgID,
			"FeatureSet": "ALL", "MasterAccountId": mgmt,
			"MasterAccountArn":   "arn:aws:organizations::" + mgmt + ":account/" + orgID + "/" + mgmt,
			"MasterAccountEmail": "aws+" + mgmt + "@example.com",
		}})
		return nil
	case "ListAccounts":
		if rq.account != mgmt {
			return apiError(http.StatusBadRequest, "AccessDeniedException", "You don't have permissions to access this resource.")
		}
		limit := 20
		if in.MaxResults != 0 {
			if in.MaxResults < 1 || in.MaxResults > 20 {
				return apiError(http.StatusBadRequest, "InvalidInputException", "MaxResults must be between 1 and 20")
			}
			limit = in.MaxResults
		}
		start := 0
		if in.NextToken != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "tok-"))
			if err != nil || n < 0 || n > len(ix.estate.Accounts) {
				return apiError(http.StatusBadRequest, "InvalidInputException", "invalid NextToken")
			}
			start = n
		}
		end := min(start+limit, len(ix.estate.Accounts))
		accounts := []map[string]any{}
		for _, a := range ix.estate.Accounts[start:end] {
			state := a.State
			if state == "" {
				state = "ACTIVE"
			}
			status := state
			if status == "CLOSED" {
				status = "SUSPENDED"
			}
			method := "CREATED"
			if a.ID == mgmt {
				method = "INVITED"
			}
			accounts = append(accounts, map[string]any{
				"Id": a.ID, "Arn": "arn:aws:organizations::" + mgmt + ":account/" + orgID + "/" + a.ID,
				"Email": "aws+" + a.ID + "@example.com", "Name": a.Name,
				"Status": status, "State": state, "JoinedMethod": method,
				"JoinedTimestamp": epochSeconds(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
			})
		}
		out := map[string]any{"Accounts": accounts}
		if end < len(ix.estate.Accounts) {
			out["NextToken"] = "tok-" + strconv.Itoa(end)
		}
		writeJSON(rq, jsonContentType, out)
		return nil
	}
	return apiError(http.StatusBadRequest, "UnknownOperationException", "fakeaws does not serve Organizations %s", rq.op)
}

// kmsService is KMS (awsJson1_1, TrentService). Keys are regional: a request
// finds the keys of the region it is signed for.
type kmsService struct{}

func (kmsService) parse(rq *request) *APIError {
	if err := parseTarget(rq, "TrentService"); err != nil {
		return err
	}
	if err := readJSON(rq, &rq.json); err != nil {
		return err
	}
	rq.resource = rq.json.KeyID
	return nil
}

func (kmsService) writeError(rq *request, err *APIError) { writeJSONError(rq, err) }

func (kmsService) serve(rq *request) *APIError {
	if rq.op != "DescribeKey" && rq.op != "GetKeyPolicy" {
		return apiError(http.StatusBadRequest, "UnknownOperationException", "fakeaws does not serve KMS %s", rq.op)
	}
	ref := rq.resource
	if ref == "" {
		return apiError(http.StatusBadRequest, "ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	k, account := rq.srv.index.findKey(ref, rq.region, rq.account)
	if k == nil {
		if account != rq.account {
			// Another account's missing key looks like a refusal.
			return kmsDenied(rq, ref)
		}
		if strings.Contains(ref, "alias/") {
			return apiError(http.StatusBadRequest, "NotFoundException", "Alias %s is not found.", ref)
		}
		return apiError(http.StatusBadRequest, "NotFoundException", "Key '%s' does not exist", ref)
	}
	if k.Account != rq.account {
		if rq.op == "GetKeyPolicy" || !contains(k.DescribableBy, rq.account) {
			return kmsDenied(rq, k.Arn())
		}
	}
	if rq.op == "GetKeyPolicy" {
		if p := rq.json.PolicyName; p != "" && p != "default" {
			return apiError(http.StatusBadRequest, "NotFoundException", "No such policy exists")
		}
		writeJSON(rq, jsonContentType, map[string]any{"Policy": k.Policy, "PolicyName": "default"})
		return nil
	}
	state, manager := k.State, k.Manager
	if state == "" {
		state = "Enabled"
	}
	if manager == "" {
		manager = "CUSTOMER"
	}
	md := map[string]any{
		"AWSAccountId": k.Account, "KeyId": k.ID, "Arn": k.Arn(),
		"CreationDate": epochSeconds(k.Created), "Enabled": state == "Enabled",
		"Description": "", "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": state,
		"Origin": "AWS_KMS", "KeyManager": manager,
		"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "KeySpec": "SYMMETRIC_DEFAULT",
		"EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}, "MultiRegion": false,
	}
	if state == "PendingDeletion" {
		md["DeletionDate"] = epochSeconds(time.Now().Add(7 * 24 * time.Hour))
	}
	writeJSON(rq, jsonContentType, map[string]any{"KeyMetadata": md})
	return nil
}

func kmsDenied(rq *request, arn string) *APIError {
	return apiError(http.StatusBadRequest, "AccessDeniedException",
		"User: arn:aws:iam::%s:user/fakeaws is not authorized to perform: kms:%s on resource: %s", rq.account, rq.op, arn)
}

// findKey resolves a key reference (key ARN, alias ARN, key id, alias name) in
// region for caller; account is the account the reference points into.
func (ix *index) findKey(ref, region, caller string) (k *Key, account string) {
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) != 6 || parts[2] != "kms" {
			return nil, caller
		}
		if parts[3] != region {
			// KMS answers only for keys of the region the request is sent to.
			return nil, caller
		}
		if strings.HasPrefix(parts[5], "alias/") {
			return ix.aliases[region+"/"+parts[4]+"/"+parts[5]], parts[4]
		}
		return ix.keys[ref], parts[4]
	}
	if strings.HasPrefix(ref, "alias/") {
		return ix.aliases[region+"/"+caller+"/"+ref], caller
	}
	return ix.keyIDs[region+"/"+caller+"/"+ref], caller
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// accountService is Account Management's ListRegions (restJson1, POST /listRegions).
type accountService struct{}

func (accountService) parse(rq *request) *APIError {
	switch rq.r.URL.Path {
	case "/listRegions":
		rq.op = "ListRegions"
		return nil
	}
	rq.op = "other"
	return apiError(http.StatusNotFound, "ResourceNotFoundException", "fakeaws does not serve %s", rq.r.URL.Path)
}

func (accountService) serve(rq *request) *APIError {
	var in jsonRequest
	if err := readJSON(rq, &in); err != nil {
		return err
	}
	ix := rq.srv.index
	if in.AccountID != "" && in.AccountID != rq.account {
		if rq.account != ix.estate.ManagementAccount {
			return apiError(http.StatusForbidden, "AccessDeniedException", "User is not authorized to perform: account:ListRegions for account %s", in.AccountID)
		}
		if _, ok := ix.accounts[in.AccountID]; !ok {
			return apiError(http.StatusNotFound, "ResourceNotFoundException", "account %s is not in the organization", in.AccountID)
		}
	}
	wanted := func(status string) bool {
		return len(in.RegionOptStatusContains) == 0 || contains(in.RegionOptStatusContains, status)
	}
	regions := []map[string]string{}
	for _, r := range ix.estate.Regions {
		if wanted("ENABLED_BY_DEFAULT") {
			regions = append(regions, map[string]string{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"})
		}
	}
	limit := 50
	if in.MaxResults > 0 {
		limit = in.MaxResults
	}
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 || n > len(regions) {
			return apiError(http.StatusBadRequest, "ValidationException", "invalid NextToken")
		}
		start = n
	}
	end := min(start+limit, len(regions))
	out := map[string]any{"Regions": regions[start:end]}
	if end < len(regions) {
		out["NextToken"] = strconv.Itoa(end)
	}
	writeJSON(rq, "application/json", out)
	return nil
}

// writeError writes restJson1's error: X-Amzn-ErrorType and {"message"}.
func (accountService) writeError(rq *request, err *APIError) {
	data, _ := json.Marshal(map[string]string{"message": err.Message})
	rq.w.Header().Set("Content-Type", "application/json")
	rq.w.Header().Set("X-Amzn-ErrorType", err.Code)
	rq.w.WriteHeader(err.Status)
	rq.w.Write(data)
}
