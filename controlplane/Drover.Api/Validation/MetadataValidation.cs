using System.Text;

namespace Drover.Api;

/// <summary>ObjectMeta rules shared by every kind (apimachinery's ValidateObjectMeta and ValidateObjectMetaUpdate).</summary>
internal static class MetadataValidation
{
    /// <summary>Kubernetes' TotalAnnotationSizeLimitB: annotations live in the object, which must fit in one store value.</summary>
    public const int MaxAnnotationBytes = 256 * 1024;

    public static void Validate(ObjectMeta? meta, bool namespaced, Func<string, string?> nameRule, ErrorList errors)
    {
        if (meta is null)
        {
            errors.Required("metadata.name", "name or generateName is required");
            return;
        }
        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
                errors.Required("metadata.name", "name or generateName is required");
        }
        else if (nameRule(meta.Name) is { } problem)
        {
            errors.Invalid("metadata.name", meta.Name, problem);
        }
        if (!string.IsNullOrEmpty(meta.GenerateName) && NameRules.GenerateNamePrefix(meta.GenerateName, nameRule) is { } prefixProblem)
            errors.Invalid("metadata.generateName", meta.GenerateName, prefixProblem);

        if (!string.IsNullOrEmpty(meta.Namespace))
        {
            // The server fills an empty namespace from the request path before storing, so only a given one is checked.
            if (!namespaced)
                errors.Forbidden("metadata.namespace", "not allowed on this type");
            else if (NameRules.Dns1123Label(meta.Namespace) is { } nsProblem)
                errors.Invalid("metadata.namespace", meta.Namespace, nsProblem);
        }

        ValidateLabels(meta.Labels, "metadata.labels", errors);
        ValidateAnnotations(meta.Annotations, "metadata.annotations", errors);
        ValidateOwnerReferences(meta.OwnerReferences, "metadata.ownerReferences", errors);
        if (meta.Generation is < 0)
            errors.Invalid("metadata.generation", meta.Generation.Value, "must be greater than or equal to 0");
    }

    /// <summary>Labels, label-shaped maps (nodeSelector, service selector) and matchLabels: Kubernetes reports them at the map's path.</summary>
    public static void ValidateLabels(Dictionary<string, string>? labels, string path, ErrorList errors)
    {
        if (labels is null)
            return;
        foreach (var (key, value) in labels)
        {
            if (LabelValidation.ValidateKey(key) is { } keyProblem)
                errors.Invalid(path, key, StripSubject(keyProblem, "invalid label key", key));
            if (LabelValidation.ValidateValue(value ?? "") is { } valueProblem)
                errors.Invalid(path, value, StripSubject(valueProblem, "invalid label value", value ?? ""));
        }
    }

    public static void ValidateAnnotations(Dictionary<string, string>? annotations, string path, ErrorList errors)
    {
        if (annotations is null)
            return;
        long total = 0;
        foreach (var (key, value) in annotations)
        {
            // Annotation keys follow the same qualified-name grammar as label keys; values are free-form.
            if (LabelValidation.ValidateKey(key) is { } keyProblem)
                errors.Invalid(path, key, StripSubject(keyProblem, "invalid label key", key));
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? "");
        }
        if (total > MaxAnnotationBytes)
            errors.TooLong(path, MaxAnnotationBytes);
    }

    private static void ValidateOwnerReferences(List<OwnerReference>? references, string path, ErrorList errors)
    {
        if (references is null)
            return;
        string? controller = null;
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            var at = $"{path}[{i}]";
            if (reference is null)
            {
                errors.Required(at);
                continue;
            }
            // apiVersion "v1" (core) has no group, so only an empty version is wrong.
            var version = reference.ApiVersion is { } v ? v[(v.IndexOf('/', StringComparison.Ordinal) + 1)..] : "";
            if (version.Length == 0)
                errors.Invalid(at + ".apiVersion", reference.ApiVersion, "version must not be empty");
            if (string.IsNullOrEmpty(reference.Kind))
                errors.Invalid(at + ".kind", reference.Kind, "kind must not be empty");
            if (string.IsNullOrEmpty(reference.Name))
                errors.Invalid(at + ".name", reference.Name, "name must not be empty");
            if (string.IsNullOrEmpty(reference.Uid))
                errors.Invalid(at + ".uid", reference.Uid, "uid must not be empty");
            if (reference.Controller == true)
            {
                var current = reference.Kind + "/" + reference.Name;
                // Two controllers would fight over the object; garbage collection and adoption assume one.
                if (controller is not null)
                    errors.Invalid(at + ".controller", "true", $"Only one reference can have Controller set to true. Found \"true\" in references for {controller} and {current}");
                else
                    controller = current;
            }
        }
    }

    public static void ValidateUpdate(ObjectMeta updated, ObjectMeta existing, ErrorList errors)
    {
        Immutable(updated.Name, existing.Name, "metadata.name", errors);
        Immutable(updated.Namespace, existing.Namespace, "metadata.namespace", errors);
        // The server copies uid and creationTimestamp from the stored object; a client may omit them but not change them.
        if (!string.IsNullOrEmpty(updated.Uid))
            Immutable(updated.Uid, existing.Uid, "metadata.uid", errors);
    }

    public static void Immutable(string? updated, string? existing, string path, ErrorList errors)
    {
        if (!string.Equals(updated ?? "", existing ?? "", StringComparison.Ordinal))
            errors.Invalid(path, updated, "field is immutable");
    }

    /// <summary>
    /// LabelValidation names its subject ("invalid label key \"x\": …"); Kubernetes already prints the
    /// value in the error, so the repetition is dropped.
    /// </summary>
    private static string StripSubject(string message, string subject, string value)
    {
        var prefix = subject + " \"" + value + "\": ";
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }
}
