using Drover.Api;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>The 422 an allocation refuses with, naming the field and the value as Kubernetes' allocators word it.</summary>
internal static class AllocationFailure
{
    public static ApiException Invalid(Service service, string field, string value, string detail) =>
        new(ApiErrors.Invalid(ResourceTypes.Services, service.Metadata.Name, [new FieldError(field, FieldErrorType.Invalid, value, detail)]));
}
