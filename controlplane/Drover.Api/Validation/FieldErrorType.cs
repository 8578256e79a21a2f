namespace Drover.Api;

/// <summary>The kinds of field error Kubernetes reports (k8s.io/apimachinery/pkg/util/validation/field).</summary>
public enum FieldErrorType
{
    Required,
    Invalid,
    NotSupported,
    Duplicate,
    TooLong,
    Forbidden,
    TooMany,
    NotFound,
}
