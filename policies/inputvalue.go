package policies

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// jsonValue converts a JSON document as encoding/json writes it into the Rego value
// ast.ValueFromReader would make of it, in one pass and without the intermediate
// map[string]any: the input of every evaluation goes through it, and the generic path
// cost more than evaluating most checks. Numbers keep their JSON text (as with
// json.Decoder.UseNumber); strings without escapes share one copy of the document.
func jsonValue(doc []byte) (ast.Value, error) {
	return jsonValueWith(doc, nil)
}

// jsonValueWith is jsonValue with the terms of known object keys shared (terms are
// immutable): the input's field names come back in every document.
func jsonValueWith(doc []byte, keys map[string]*ast.Term) (ast.Value, error) {
	p := jsonParser{keys: keys}
	return p.parse(doc)
}

// parse converts one document. A parser may parse several: the later ones take their
// terms from the block the earlier ones started.
func (p *jsonParser) parse(doc []byte) (ast.Value, error) {
	p.doc, p.text, p.pos = doc, string(doc), 0
	p.skipSpace()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(doc) {
		return nil, p.fail("trailing data")
	}
	return v, nil
}

type jsonParser struct {
	doc  []byte
	text string // doc as a string: unescaped strings are slices of it
	pos  int
	// terms hands out Terms in blocks, so that a document's terms take a few
	// allocations instead of one each.
	terms []ast.Term
	// pairs is the stack of the key/value pairs of the objects being parsed.
	pairs [][2]*ast.Term
	// elems is the stack of the elements of the arrays being parsed.
	elems []*ast.Term
	// keys are shared terms of known object keys.
	keys map[string]*ast.Term
}

func (p *jsonParser) fail(what string) error {
	return fmt.Errorf("json input at offset %d: %s", p.pos, what)
}

func (p *jsonParser) term(v ast.Value) *ast.Term {
	if len(p.terms) == 0 {
		p.terms = make([]ast.Term, 64)
	}
	t := &p.terms[0]
	p.terms = p.terms[1:]
	t.Value = v
	return t
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.doc) {
		switch p.doc[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (ast.Value, error) {
	if p.pos >= len(p.doc) {
		return nil, p.fail("unexpected end")
	}
	switch c := p.doc[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return ast.InternedTerm(s).Value, nil
	case c == 't':
		return p.literal("true", ast.InternedTerm(true).Value)
	case c == 'f':
		return p.literal("false", ast.InternedTerm(false).Value)
	case c == 'n':
		return p.literal("null", ast.NullValue)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.fail(fmt.Sprintf("unexpected %q", c))
	}
}

func (p *jsonParser) literal(word string, v ast.Value) (ast.Value, error) {
	if len(p.doc)-p.pos < len(word) || p.text[p.pos:p.pos+len(word)] != word {
		return nil, p.fail("invalid literal")
	}
	p.pos += len(word)
	return v, nil
}

func (p *jsonParser) number() (ast.Value, error) {
	start := p.pos
	for p.pos < len(p.doc) {
		switch c := p.doc[p.pos]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			p.pos++
			continue
		}
		break
	}
	// The same conversion as ast.InterfaceToValue(json.Number): interned small
	// integers, and a checked number otherwise.
	v, err := ast.InterfaceToValue(json.Number(p.text[start:p.pos]))
	if err != nil {
		return nil, fmt.Errorf("json input at offset %d: %w", start, err)
	}
	return v, nil
}

// str reads a string. One without escapes is a slice of the document; one with
// escapes (or invalid UTF-8) is decoded by encoding/json, as ValueFromReader would.
func (p *jsonParser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	plain := true
	for {
		if p.pos >= len(p.doc) {
			return "", p.fail("unterminated string")
		}
		c := p.doc[p.pos]
		if c == '"' {
			break
		}
		switch {
		case c == '\\':
			plain = false
			p.pos += 2
			continue
		case c < 0x20:
			return "", p.fail("control character in string")
		case c >= utf8.RuneSelf:
			plain = false
		}
		p.pos++
	}
	p.pos++ // closing quote
	if plain {
		return p.text[start+1 : p.pos-1], nil
	}
	var s string
	if err := json.Unmarshal(p.doc[start:p.pos], &s); err != nil {
		return "", fmt.Errorf("json input at offset %d: %w", start, err)
	}
	return s, nil
}

func (p *jsonParser) object() (ast.Value, error) {
	p.pos++ // {
	base := len(p.pairs)
	p.skipSpace()
	if p.pos < len(p.doc) && p.doc[p.pos] == '}' {
		p.pos++
		return ast.NewObject(), nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.doc) || p.doc[p.pos] != '"' {
			return nil, p.fail("object key expected")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.doc) || p.doc[p.pos] != ':' {
			return nil, p.fail("':' expected")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		kt, ok := p.keys[k]
		if !ok {
			kt = ast.InternedTerm(k)
		}
		p.pairs = append(p.pairs, [2]*ast.Term{kt, p.term(v)})
		p.skipSpace()
		if p.pos >= len(p.doc) {
			return nil, p.fail("unterminated object")
		}
		if p.doc[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.doc[p.pos] != '}' {
			return nil, p.fail("',' or '}' expected")
		}
		p.pos++
		break
	}
	// NewObject copies the pairs. The document comes from json.Marshal, which never
	// writes a key twice.
	pairs := p.pairs[base:]
	obj := ast.NewObject(pairs...)
	clear(pairs)
	p.pairs = p.pairs[:base]
	return obj, nil
}

func (p *jsonParser) array() (ast.Value, error) {
	p.pos++ // [
	base := len(p.elems)
	p.skipSpace()
	if p.pos < len(p.doc) && p.doc[p.pos] == ']' {
		p.pos++
		return ast.NewArray(), nil
	}
	for {
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.elems = append(p.elems, p.term(v))
		p.skipSpace()
		if p.pos >= len(p.doc) {
			return nil, p.fail("unterminated array")
		}
		if p.doc[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.doc[p.pos] != ']' {
			return nil, p.fail("',' or ']' expected")
		}
		p.pos++
		break
	}
	elems := make([]*ast.Term, len(p.elems)-base)
	copy(elems, p.elems[base:])
	clear(p.elems[base:])
	p.elems = p.elems[:base]
	return ast.NewArray(elems...), nil
}

// inputKeys are terms for the object keys every input document repeats: the JSON
// names of Input's fields and of the types within it, and the keys of IAM policy
// documents.
func inputKeys() map[string]*ast.Term {
	keys := map[string]*ast.Term{}
	for _, k := range []string{
		"Version", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
		"Resource", "NotResource", "Condition", "AWS", "Service", "Federated", "CanonicalUser",
	} {
		keys[k] = ast.StringTerm(k)
	}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			keys[name] = ast.StringTerm(name)
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Input]())
	return keys
}
