using System.Text;
using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>
/// A container's environment as the kubelet's makeEnvironmentVariables builds it: envFrom first (in order, a key
/// that is not a valid variable name skipped and reported), then env (overriding), with <c>$(NAME)</c> in literal
/// values expanded from the variables before it. A missing non-optional ConfigMap, Secret or key is an error in
/// kubelet's words: the container waits with CreateContainerConfigError. Pure.
/// </summary>
internal static class EnvResolver
{
    public sealed record Result(IReadOnlyList<KeyValuePair<string, string>> Env, string? Error, IReadOnlyList<string> SkippedKeys);

    public static Result Resolve(Pod pod, Container container, PodObjects objects, string? podIp, string? hostIp, NodeResources node)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(node);
        var ns = pod.Metadata.Namespace ?? "default";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        var skipped = new List<string>();

        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
        }

        foreach (var from in container.EnvFrom ?? [])
        {
            IEnumerable<KeyValuePair<string, string>> entries;
            if (from.ConfigMapRef is { } configMapRef)
            {
                var (map, error) = objects.ConfigMap(ns, configMapRef.Name ?? "", configMapRef.Optional == true);
                if (error is not null)
                {
                    return Failed(error);
                }

                entries = map?.Data ?? [];
            }
            else if (from.SecretRef is { } secretRef)
            {
                var (secret, error) = objects.Secret(ns, secretRef.Name ?? "", secretRef.Optional == true);
                if (error is not null)
                {
                    return Failed(error);
                }

                entries = (secret?.Data ?? []).Select(e => KeyValuePair.Create(e.Key, Encoding.UTF8.GetString(e.Value ?? [])));
            }
            else
            {
                continue;
            }

            foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var name = (from.Prefix ?? "") + key;
                if (!IsEnvVarName(name))
                {
                    skipped.Add(name);
                    continue;
                }

                Set(name, value ?? "");
            }
        }

        foreach (var env in container.Env ?? [])
        {
            if (env.ValueFrom is not { } source)
            {
                Set(env.Name, Expand(env.Value ?? "", values));
                continue;
            }

            string? value;
            if (source.ConfigMapKeyRef is { } configMapKey)
            {
                var optional = configMapKey.Optional == true;
                var (map, error) = objects.ConfigMap(ns, configMapKey.Name ?? "", optional);
                if (error is not null)
                {
                    return Failed(error);
                }

                value = map?.Data?.GetValueOrDefault(configMapKey.Key);
                if (value is null && map?.BinaryData?.GetValueOrDefault(configMapKey.Key) is { } binary)
                {
                    value = Encoding.UTF8.GetString(binary);
                }

                if (value is null)
                {
                    if (optional)
                    {
                        continue;
                    }

                    return Failed($"couldn't find key {configMapKey.Key} in ConfigMap {ns}/{configMapKey.Name}");
                }
            }
            else if (source.SecretKeyRef is { } secretKey)
            {
                var optional = secretKey.Optional == true;
                var (secret, error) = objects.Secret(ns, secretKey.Name ?? "", optional);
                if (error is not null)
                {
                    return Failed(error);
                }

                if (secret?.Data?.GetValueOrDefault(secretKey.Key) is not { } bytes)
                {
                    if (optional)
                    {
                        continue;
                    }

                    return Failed($"couldn't find key {secretKey.Key} in Secret {ns}/{secretKey.Name}");
                }

                value = Encoding.UTF8.GetString(bytes);
            }
            else if (source.FieldRef is { } fieldRef)
            {
                value = PodFields.Value(pod, fieldRef.FieldPath, podIp, hostIp);
                if (value is null)
                {
                    return Failed($"unsupported fieldPath {fieldRef.FieldPath}");
                }
            }
            else if (source.ResourceFieldRef is { } resourceRef)
            {
                var containerName = string.IsNullOrEmpty(resourceRef.ContainerName) ? container.Name : resourceRef.ContainerName;
                value = PodFields.Resource(pod, containerName, resourceRef.Resource, resourceRef.Divisor, node);
                if (value is null)
                {
                    return Failed($"unsupported resourceFieldRef {containerName}/{resourceRef.Resource}");
                }
            }
            else
            {
                continue;
            }

            Set(env.Name, value);
        }

        return new Result([.. order.Select(name => KeyValuePair.Create(name, values[name]))], null, skipped);

        static Result Failed(string error) => new([], error, []);
    }

    /// <summary>Kubernetes' expansion: <c>$(NAME)</c> of a variable defined before, <c>$$</c> an escaped <c>$</c>; anything else as written.</summary>
    public static string Expand(string input, IReadOnlyDictionary<string, string> defined)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(defined);
        if (!input.Contains('$'))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                if (defined.TryGetValue(name, out var value))
                {
                    sb.Append(value);
                }
                else
                {
                    sb.Append(input, i, close - i + 1);
                }

                i = close;
            }
            else
            {
                sb.Append('$');
            }
        }

        return sb.ToString();
    }

    private static bool IsEnvVarName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
