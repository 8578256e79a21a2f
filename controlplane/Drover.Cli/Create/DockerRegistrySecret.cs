using System.Text;
using Drover.Api;

namespace Drover.Cli.Create;

/// <summary>
/// The Secret `kubectl create secret docker-registry` makes (kubectl 1.32, create_secret_docker.go): type
/// kubernetes.io/dockerconfigjson, and either .dockerconfigjson = {"auths":{SERVER:{"username","password","email"
/// (when given),"auth": base64(user:password)}}} in Go's JSON encoding, or the --from-file sources (a source without a
/// key is the .dockerconfigjson key; a directory cannot be given a key), with kubectl's messages for what is wrong.
/// </summary>
internal static class DockerRegistrySecret
{
    public const string DefaultServer = "https://index.docker.io/v1/";
    public const string ConfigKey = ".dockerconfigjson";
    public const string Type = "kubernetes.io/dockerconfigjson";

    /// <summary>The largest file --from-file reads: a Secret's data is at most 1 MiB in all (the API's limit).</summary>
    private const long MaxFileBytes = 1024 * 1024;

    /// <param name="ns">The namespace when -n was given (kubectl writes metadata.namespace only then), else null.</param>
    public static Secret Build(string name, string? ns, string? server, string? username, string? password, string? email, IReadOnlyList<string> fileSources)
    {
        ArgumentNullException.ThrowIfNull(fileSources);
        server ??= DefaultServer;
        if (fileSources.Count == 0 && (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password) || server.Length == 0))
            throw new CliException("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (fileSources.Count > 0)
        {
            foreach (var source in fileSources)
                AddFileSource(data, source.Contains('=', StringComparison.Ordinal) ? source : ConfigKey + "=" + source);
        }
        else
        {
            data[ConfigKey] = DockerConfigJson(server, username!, password!, email);
        }

        return new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Type = Type,
            Data = data,
        };
    }

    /// <summary>The .dockerconfigjson kubectl writes, byte for byte (field order, omitted empty email, Go's escaping).</summary>
    public static byte[] DockerConfigJson(string server, string username, string password, string? email)
    {
        var json = new StringBuilder("{\"auths\":{");
        GoJsonString.Append(json, server);
        json.Append(":{");
        var first = true;
        Field("username", username);
        Field("password", password);
        Field("email", email);
        Field("auth", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
        json.Append("}}}");
        return Encoding.UTF8.GetBytes(json.ToString());

        void Field(string key, string? value)
        {
            // Go's omitempty.
            if (string.IsNullOrEmpty(value))
                return;
            if (!first)
                json.Append(',');
            first = false;
            GoJsonString.Append(json, key);
            json.Append(':');
            GoJsonString.Append(json, value);
        }
    }

    /// <summary>KEY=PATH (kubectl's util.ParseFileSource and handleSecretFromFileSources, with their messages).</summary>
    private static void AddFileSource(Dictionary<string, byte[]> data, string source)
    {
        var parts = source.Split('=');
        if (parts.Length != 2)
            throw new CliException("error: key names or file paths cannot contain '='");
        var (key, path) = (parts[0], parts[1]);
        if (key.Length == 0)
            throw new CliException($"error: key name for file path {path} missing");
        if (path.Length == 0)
            throw new CliException($"error: file path for key name {key} missing");
        if (Directory.Exists(path))
            throw new CliException("error: cannot give a key name for a directory path");
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new CliException($"error: error reading {path}: no such file or directory");
        if (file.Length > MaxFileBytes)
            throw new CliException($"error: {path} is larger than a Secret may be ({MaxFileBytes} bytes)");
        if (NameRules.ConfigKey(key) is { } problem)
            throw new CliException($"error: \"{key}\" is not valid key name for a Secret {problem}");
        if (data.ContainsKey(key))
            throw new CliException($"error: cannot add key {key}, another key by that name already exists");
        data[key] = File.ReadAllBytes(path);
    }
}
