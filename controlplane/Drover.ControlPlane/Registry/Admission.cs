using Drover.Api;

namespace Drover.ControlPlane.Registry;

/// <summary>Server-side defaults, then validation, as Kubernetes' admission chain orders them; a refusal is 422 with every field error.</summary>
internal static class Admission
{
    public static KubeObject Admit(ResourceType type, KubeObject obj, KubeObject? existing)
    {
        var defaulted = ObjectDefaulter.ApplyDefaults(obj);
        var errors = existing is null ? ObjectValidator.Validate(defaulted) : ObjectValidator.ValidateUpdate(defaulted, existing);
        if (errors.Count > 0)
            throw new ApiException(ApiErrors.Invalid(type, defaulted.Metadata.Name ?? defaulted.Metadata.GenerateName, errors));
        return defaulted;
    }
}
