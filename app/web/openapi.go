package web

import (
	"encoding"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/labstack/echo/v4"

	"github.com/wushe/wushe/app"
)

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// OpenAPIPath turns an Echo path (/needs/:id) into an OpenAPI one (/needs/{id}).
func OpenAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// OpenAPI builds the OpenAPI 3 document from the registered API routes, so the document and
// the routes cannot drift apart.
func (s *Server) OpenAPI() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "Wushe API", Version: s.cfg.Version,
			Description: "五社联动 community-governance marketplace. Errors are {\"error\": {\"code\", \"message\", \"fields\"}}. Money is integer fen."},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{}},
	}
	doc.Components.SecuritySchemes["bearer"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().WithBearerFormat("opaque")}
	errSchema := openapi3.NewObjectSchema().WithProperty("error", openapi3.NewObjectSchema().
		WithProperty("code", openapi3.NewStringSchema()).
		WithProperty("message", openapi3.NewStringSchema()).
		WithProperty("fields", openapi3.NewObjectSchema().WithAdditionalProperties(openapi3.NewStringSchema())))
	doc.Components.Schemas["Error"] = openapi3.NewSchemaRef("", errSchema)
	gen := openapi3gen.NewGenerator(openapi3gen.UseAllExportedFields(), openapi3gen.SchemaCustomizer(customizeSchema))
	schemaOf := func(v any) (*openapi3.SchemaRef, error) {
		return gen.NewSchemaRefForValue(v, doc.Components.Schemas)
	}
	routes := append([]apiRoute(nil), s.apiRoutes...)
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	for _, r := range routes {
		op := openapi3.NewOperation()
		op.OperationID, op.Summary, op.Tags = r.Op, r.Summary, []string{r.Tag}
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(openapi3.NewInt64Schema()))
		}
		for _, q := range r.Query {
			var sch *openapi3.Schema
			switch q.Type {
			case "integer":
				sch = openapi3.NewInt64Schema()
			case "boolean":
				sch = openapi3.NewBoolSchema()
			case "number":
				sch = openapi3.NewFloat64Schema()
			default:
				sch = openapi3.NewStringSchema()
				for _, e := range q.Enum {
					sch.Enum = append(sch.Enum, e)
				}
			}
			op.AddParameter(openapi3.NewQueryParameter(q.Name).WithSchema(sch).WithDescription(q.Desc))
		}
		if r.Body != nil {
			sch, err := schemaOf(r.Body)
			if err != nil {
				return nil, err
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(sch)}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(r.Status))
		if r.Resp != nil {
			sch, err := schemaOf(r.Resp)
			if err != nil {
				return nil, err
			}
			ok = ok.WithJSONSchemaRef(sch)
		}
		op.Responses = openapi3.NewResponses()
		op.Responses.Set(itoa(r.Status), &openapi3.ResponseRef{Value: ok})
		errResp := &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("error").
			WithJSONSchemaRef(openapi3.NewSchemaRef("#/components/schemas/Error", errSchema))}
		op.Responses.Set("default", errResp)
		if r.Auth {
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}}
		}
		doc.AddOperation(OpenAPIPath(r.Path), r.Method, op)
	}
	return doc, nil
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// customizeSchema describes types whose JSON differs from their Go shape.
func customizeSchema(name string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	if t == reflect.TypeOf(app.Week{}) {
		*schema = *openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema().WithPattern(`^(mon|tue|wed|thu|fri|sat|sun) \d{2}-\d{2}$`))
		schema.Description = "weekly availability as ranges, e.g. \"mon 09-12\" (end exclusive)"
	}
	if t.Kind() != reflect.Struct && t.Implements(reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()) {
		*schema = *openapi3.NewStringSchema() // codes such as matching's kinds and features
	}
	if jsonName, _, _ := strings.Cut(tag.Get("json"), ","); jsonName == "budget" || strings.HasSuffix(jsonName, "_fen") {
		schema.Description = "minor units (fen)"
	}
	return nil
}

func (s *Server) openAPI(c echo.Context) error {
	s.openAPIMu.Lock()
	defer s.openAPIMu.Unlock()
	if s.openAPIBody == nil {
		doc, err := s.OpenAPI()
		if err != nil {
			return err
		}
		if s.openAPIBody, err = json.MarshalIndent(doc, "", "  "); err != nil {
			return err
		}
	}
	return c.JSONBlob(http.StatusOK, s.openAPIBody)
}
