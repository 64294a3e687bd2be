package appeals

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// xmlNode is one element of a parsed XML document.
type xmlNode struct {
	name string
	text strings.Builder
	kids []*xmlNode
}

// parseXML reads a document into its root element.
func parseXML(r io.Reader) (*xmlNode, error) {
	dec := xml.NewDecoder(r)
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.kids = append(top.kids, n)
			} else if root != nil {
				return nil, fmt.Errorf("a second root element <%s>", n.name)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// xmlName is the element name a schema gives its XML form, "" for any.
func xmlName(s *openapi3.Schema) string {
	if s.XML == nil {
		return ""
	}
	return s.XML.Name
}

// fromXML turns an element into the value its schema describes, the way
// the Open311 XML form nests it: an array is the element's children, an
// object maps child names to values, scalars are the text. Elements the
// schema does not know are kept as text, so that additionalProperties:
// false refuses them.
func fromXML(n *xmlNode, s *openapi3.Schema) (any, error) {
	text := strings.TrimSpace(n.text.String())
	switch {
	case s.Type.Is("array"):
		out := []any{}
		for _, k := range n.kids {
			if want := xmlName(s.Items.Value); want != "" && k.name != want {
				return nil, fmt.Errorf("<%s> holds <%s>, want <%s>", n.name, k.name, want)
			}
			v, err := fromXML(k, s.Items.Value)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case s.Type.Is("object"):
		out := map[string]any{}
		for _, k := range n.kids {
			if _, dup := out[k.name]; dup {
				return nil, fmt.Errorf("<%s> repeats <%s>", n.name, k.name)
			}
			p, known := s.Properties[k.name]
			if !known {
				out[k.name] = strings.TrimSpace(k.text.String())
				continue
			}
			v, err := fromXML(k, p.Value)
			if err != nil {
				return nil, err
			}
			out[k.name] = v
		}
		return out, nil
	}
	if len(n.kids) > 0 {
		return nil, fmt.Errorf("<%s> is a %v but holds elements", n.name, s.Type.Slice())
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("<%s>: %q is no number", n.name, text)
		}
		return f, nil
	case s.Type.Is("boolean"):
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, fmt.Errorf("<%s>: %q is no boolean", n.name, text)
		}
		return b, nil
	}
	return text, nil
}

// decodeO311XML is the kin-openapi body decoder for text/xml: the root
// element must carry the schema's XML name.
func decodeO311XML(r io.Reader, _ http.Header, ref *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	root, err := parseXML(r)
	if err != nil {
		return nil, err
	}
	if want := xmlName(ref.Value); want != "" && root.name != want {
		return nil, fmt.Errorf("root element <%s>, want <%s>", root.name, want)
	}
	return fromXML(root, ref.Value)
}
