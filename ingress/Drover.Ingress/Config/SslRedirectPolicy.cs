using Drover.Api;

namespace Drover.Ingress.Config;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// ingress-nginx's rule: a host the ingress has TLS for redirects plain HTTP to HTTPS unless
/// <c>ssl-redirect: "false"</c>; <c>force-ssl-redirect: "true"</c> redirects hosts without TLS too.
/// Drover reads its own <c>drover.io/</c> annotations first, then nginx's, so manifests move unchanged.
/// </summary>
public static class SslRedirectPolicy
{
    private static readonly string[] Prefixes = ["drover.io/", "nginx.ingress.kubernetes.io/"];

    public static bool Redirects(Ingress ingress, string? host)
    {
        ArgumentNullException.ThrowIfNull(ingress);
        if (Annotation(ingress, "force-ssl-redirect") is true)
            return true;
        var hasTls = HasTls(ingress, host);
        return Annotation(ingress, "ssl-redirect") ?? hasTls;
    }

    private static bool HasTls(Ingress ingress, string? host)
    {
        foreach (var tls in ingress.Spec.Tls ?? [])
        {
            if (tls?.Hosts is not { Count: > 0 } hosts)
                return true;
            foreach (var tlsHost in hosts)
                if (string.Equals(tlsHost, host, StringComparison.OrdinalIgnoreCase))
                    return true;
        }
        return false;
    }

    private static bool? Annotation(Ingress ingress, string name)
    {
        foreach (var prefix in Prefixes)
            if (ingress.Metadata.Annotations?.GetValueOrDefault(prefix + name) is { } value)
                return string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        return null;
    }
}
