namespace Drover.Api;

/// <summary>Kubernetes ValidateIngressClass and ValidateIngressClassUpdate.</summary>
internal static class IngressClassValidation
{
    private const int MaxControllerLength = 250;

    public static void Validate(IngressClass ingressClass, ErrorList errors)
    {
        MetadataValidation.Validate(ingressClass.Metadata, namespaced: false, NameRules.Dns1123Subdomain, errors);
        var controller = ingressClass.Spec?.Controller ?? "";
        const string path = "spec.controller";
        if (controller.Length > MaxControllerLength)
            errors.TooLong(path, MaxControllerLength);
        ValidateDomainPrefixedPath(controller, path, errors);
    }

    /// <summary>
    /// "example.com/ingress-controller": the domain keeps controllers from different vendors from
    /// claiming each other's classes (apimachinery IsDomainPrefixedPath).
    /// </summary>
    private static void ValidateDomainPrefixedPath(string value, string path, ErrorList errors)
    {
        if (value.Length == 0)
        {
            errors.Required(path);
            return;
        }
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            errors.Invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")");
            return;
        }
        var host = value[..slash];
        if (NameRules.Dns1123Subdomain(host) is { } hostProblem)
            errors.Invalid(path, host, hostProblem);
        var rest = value[(slash + 1)..];
        foreach (var c in rest)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "/-._~%!$&'()*+,;=:".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                errors.Invalid(path, rest, "Invalid path: must consist of characters matching '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]'");
                return;
            }
        }
    }

    public static void ValidateUpdate(IngressClass updated, IngressClass existing, ErrorList errors) =>
        // Ingresses already bound to the class would silently change hands.
        MetadataValidation.Immutable(updated.Spec?.Controller, existing.Spec?.Controller, "spec.controller", errors);
}
