package app

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
)

// Validator checks input structs by their `validate` tags and reports problems per field,
// using each field's JSON name so API clients and forms see the same names.
type Validator struct{ v *validator.Validate }

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// NewValidator builds a Validator with Wushe's custom rules.
func NewValidator() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	// mobile: a mainland China mobile number, 11 digits starting with 1[3-9].
	_ = v.RegisterValidation("mobile", func(fl validator.FieldLevel) bool {
		return mobileRE.MatchString(fl.Field().String())
	})
	return &Validator{v: v}
}

// Struct validates s and returns nil or an EINVALID *Error naming every failing field.
func (v *Validator) Struct(s any) error {
	fe := FieldErrors{}
	v.Into(fe, s)
	return fe.Err()
}

// Into validates s and adds its problems to fe, so callers can add cross-field rules too.
func (v *Validator) Into(fe FieldErrors, s any) {
	err := v.v.Struct(s)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		if err != nil {
			fe.Add("_", "error.invalid")
		}
		return
	}
	for _, e := range verrs {
		field := e.Field()
		switch e.Tag() {
		case "required", "required_without", "required_with":
			fe.Add(field, "error.required")
		case "max":
			if e.Kind() == reflect.String {
				fe.Add(field, "error.too_long", "max", e.Param())
			} else {
				fe.Add(field, "error.too_large", "max", e.Param())
			}
		case "min":
			if e.Kind() == reflect.String {
				fe.Add(field, "error.too_short", "min", e.Param())
			} else {
				fe.Add(field, "error.too_small", "min", e.Param())
			}
		case "gte", "gt":
			fe.Add(field, "error.too_small", "min", e.Param())
		case "lte", "lt":
			fe.Add(field, "error.too_large", "max", e.Param())
		case "oneof":
			fe.Add(field, "error.one_of", "values", strings.ReplaceAll(e.Param(), " ", ", "))
		case "email":
			fe.Add(field, "error.email")
		case "mobile":
			fe.Add(field, "error.mobile")
		case "latitude", "longitude":
			fe.Add(field, "error.coordinate")
		default:
			fe.Add(field, "error.invalid_value")
		}
	}
}
