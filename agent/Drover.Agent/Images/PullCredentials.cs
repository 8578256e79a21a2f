using System.Text;
using System.Text.Json;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Images;

/// <summary>
/// The registry credentials a pod's imagePullSecrets give for one image, as the kubelet's credentialprovider keyring:
/// kubernetes.io/dockerconfigjson (".dockerconfigjson": {"auths": {…}}) and kubernetes.io/dockercfg (".dockercfg")
/// entries keyed by registry ("registry.example.com:5000", "https://index.docker.io/v1/", "*.example.com/team"),
/// matched on host (with * per label), port and path prefix; the most specific key first, every match tried in turn.
/// Docker Hub images ("nginx", "library/nginx", "docker.io/x") match keys for index.docker.io and docker.io. Pure; a
/// secret whose payload is not such JSON gives nothing (droverd's validation already checks the key is there).
/// </summary>
internal static class PullCredentials
{
    private const string DockerHub = "index.docker.io";
    private const int MaxEntries = 1024;

    public static IReadOnlyList<CriV1.AuthConfig> For(string image, IEnumerable<Secret?> secrets)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(secrets);
        var target = Normalize(image);
        var matches = new List<(int Specificity, int Order, CriV1.AuthConfig Auth)>();
        foreach (var secret in secrets)
        {
            foreach (var (key, auth) in Entries(secret))
            {
                if (Matches(key, target))
                {
                    matches.Add((key.Length, matches.Count, auth));
                }
            }
        }

        // Longer keys are more specific (kubelet sorts its keyring the same way); equal ones keep the secrets' order.
        return [.. matches.OrderByDescending(m => m.Specificity).ThenBy(m => m.Order).Select(m => m.Auth)];
    }

    /// <summary>"host[:port]/path" of an image reference without tag or digest; Docker Hub's short names made whole.</summary>
    internal static string Normalize(string image)
    {
        var name = image;
        if (name.IndexOf('@', StringComparison.Ordinal) is var at and >= 0)
        {
            name = name[..at];
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            name = name[..colon];
        }

        slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : name[..slash];
        var isRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        if (!isRegistry)
        {
            return DockerHub + "/" + (slash < 0 ? "library/" + name : name);
        }

        return first is "docker.io" or DockerHub ? DockerHub + name[slash..] : name;
    }

    private static bool Matches(string key, string target)
    {
        var (keyHost, keyPath) = SplitKey(key);
        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var (host, path) = slash < 0 ? (target, "") : (target[..slash], target[slash..]);
        var (keyName, keyPort) = SplitPort(keyHost);
        var (name, port) = SplitPort(host);
        if (keyName is "docker.io")
        {
            keyName = DockerHub;
        }

        if (keyPort != port || !HostMatches(keyName, name))
        {
            return false;
        }

        // A path prefix counts at segment boundaries only ("/team" matches "/team/app", not "/teammate").
        keyPath = keyPath.TrimEnd('/');
        return keyPath.Length == 0 || path == keyPath || path.StartsWith(keyPath + "/", StringComparison.Ordinal);
    }

    /// <summary>A key as the kubelet parses it: scheme dropped; Docker Hub's "/v1/" is no path.</summary>
    private static (string Host, string Path) SplitKey(string key)
    {
        var rest = key.Trim();
        if (rest.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            rest = rest[(scheme + 3)..];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (host, path) = slash < 0 ? (rest, "") : (rest[..slash], rest[slash..]);
        host = host.ToLowerInvariant();
        if (host is DockerHub or "docker.io" && path.TrimEnd('/') == "/v1")
        {
            path = "";
        }

        return (host, path);
    }

    private static (string Name, string Port) SplitPort(string host) =>
        host.LastIndexOf(':') is var colon and >= 0 ? (host[..colon], host[(colon + 1)..]) : (host, "");

    /// <summary>Label by label; a "*" label in the key matches any one label (kubelet's URLsMatch with filepath.Match).</summary>
    private static bool HostMatches(string pattern, string host)
    {
        var patternLabels = pattern.Split('.');
        var labels = host.ToLowerInvariant().Split('.');
        if (patternLabels.Length != labels.Length)
        {
            return false;
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (!GlobMatches(patternLabels[i], labels[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool GlobMatches(string pattern, string text)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return pattern == text;
        }

        var parts = pattern.Split('*');
        if (!text.StartsWith(parts[0], StringComparison.Ordinal) || !text.EndsWith(parts[^1], StringComparison.Ordinal) || text.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var at = parts[0].Length;
        var end = text.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = text.IndexOf(parts[i], at, end - at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return true;
    }

    /// <summary>The (registry key, credentials) pairs of one pull secret; none when it is not a docker config or not JSON.</summary>
    private static List<(string Key, CriV1.AuthConfig Auth)> Entries(Secret? secret)
    {
        var entries = new List<(string, CriV1.AuthConfig)>();
        if (secret?.Data is not { } data)
        {
            return entries;
        }

        var (payload, nested) = secret.Type switch
        {
            "kubernetes.io/dockercfg" => (data.GetValueOrDefault(".dockercfg"), false),
            _ => (data.GetValueOrDefault(".dockerconfigjson"), true),
        };
        // JsonDocument leaves strings unchecked until they are read, and then throws InvalidOperationException, not
        // JsonException, for invalid UTF-8 (found by afl, bench/fuzz target pull-secret).
        if (payload is null || !System.Text.Unicode.Utf8.IsValid(payload))
        {
            return entries;
        }

        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
            var auths = document.RootElement;
            if (nested && (auths.ValueKind != JsonValueKind.Object || !auths.TryGetProperty("auths", out auths)))
            {
                return entries;
            }

            if (auths.ValueKind != JsonValueKind.Object)
            {
                return entries;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                if (entries.Count >= MaxEntries)
                {
                    break;
                }

                if (entry.Value.ValueKind == JsonValueKind.Object && Auth(entry.Value) is { } auth)
                {
                    entries.Add((entry.Name, auth));
                }
            }
        }
        catch (JsonException)
        {
            // Not a docker config: no credentials from it.
        }

        return entries;
    }

    private static CriV1.AuthConfig? Auth(JsonElement entry)
    {
        var username = Text(entry, "username");
        var password = Text(entry, "password");
        if (username.Length == 0 && password.Length == 0 && Text(entry, "auth") is { Length: > 0 } encoded)
        {
            // "auth" is base64("user:password"), as docker login writes it.
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    return null;
                }

                (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        var identityToken = Text(entry, "identitytoken");
        var registryToken = Text(entry, "registrytoken");
        if (username.Length == 0 && password.Length == 0 && identityToken.Length == 0 && registryToken.Length == 0)
        {
            return null;
        }

        // No ServerAddress (the kubelet sets none for secrets either): the image was matched to the key above, and
        // containerd parses a server address as a URL, which a plain "host:port" key is not ("first path segment in
        // URL cannot contain colon": every pull with such a secret failed).
        return new CriV1.AuthConfig
        {
            Username = username,
            Password = password,
            IdentityToken = identityToken,
            RegistryToken = registryToken,
        };
    }

    private static string Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
