using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Drover.Api.Client;

/// <summary>
/// What a client needs to talk to droverd: where, as whom, and which CA to trust. <see cref="Servers"/> lists every
/// droverd replica (<see cref="Server"/> first); the client fails over between them.
/// </summary>
public sealed record ClientSettings(Uri Server, string Token, string CaPem, string Namespace)
{
    public const string EnvironmentVariable = "DROVER_CONFIG";

    /// <summary>In the config file, the further servers of cluster C are clusters named C@2, C@3, … (kubectl uses only C).</summary>
    public const char FailoverSeparator = '@';

    private readonly IReadOnlyList<Uri>? _servers;

    /// <summary>Every replica to try, <see cref="Server"/> first; only <see cref="Server"/> unless more were configured.</summary>
    public IReadOnlyList<Uri> Servers
    {
        get => _servers is { Count: > 0 } servers ? servers : [Server];
        init => _servers = value is { Count: > 0 } ? value : null;
    }

    /// <summary>kubectl's variable: a list of files separated by ':'; Drover reads the first that exists (kubectl merges them).</summary>
    public const string KubeconfigVariable = "KUBECONFIG";

    /// <summary>--config (or --kubeconfig), else $DROVER_CONFIG, else the first existing file of $KUBECONFIG, else ~/.drover/config.</summary>
    public static string ResolvePath(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return explicitPath;
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        var kubeconfig = Environment.GetEnvironmentVariable(KubeconfigVariable)?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) ?? [];
        var fromKubeconfig = kubeconfig.FirstOrDefault(File.Exists) ?? kubeconfig.FirstOrDefault();
        if (fromKubeconfig is not null)
            return fromKubeconfig;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".drover", "config");
    }

    /// <summary>The settings of <paramref name="contextName"/> (kubectl's --context), else of the file's current-context.</summary>
    public static ClientSettings Load(string path, string? contextName = null)
    {
        if (!File.Exists(path))
            throw new ClientConfigException($"no client config at {path}: start droverd (./build.sh up) or pass --config / set {EnvironmentVariable}");
        ClientConfig? config;
        try
        {
            var json = YamlToJson.ConvertSingle(InputFiles.ReadText(path, InputLimits.MaxConfigFileBytes, nameof(InputLimits.MaxConfigFileBytes)));
            config = JsonSerializer.Deserialize(json, ClientConfigJsonContext.Default.ClientConfig);
        }
        catch (Exception e) when (e is ManifestException or JsonException)
        {
            throw new ClientConfigException($"{path}: {e.Message}");
        }
        if (config is null)
            throw new ClientConfigException($"{path}: empty client config");
        var chosen = !string.IsNullOrEmpty(contextName);
        contextName = chosen ? contextName : config.CurrentContext ?? config.Contexts.FirstOrDefault()?.Name;
        var context = config.Contexts.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new ClientConfigException(chosen
                ? $"context \"{contextName}\" does not exist in {path} (contexts: {string.Join(", ", config.Contexts.Select(c => c.Name))})"
                : $"{path}: current-context \"{contextName}\" is not among contexts");
        var cluster = config.Clusters.FirstOrDefault(c => c.Name == context.Cluster)?.Cluster
            ?? throw new ClientConfigException($"{path}: cluster \"{context.Cluster}\" is not among clusters");
        var user = config.Users.FirstOrDefault(u => u.Name == context.User)?.User
            ?? throw new ClientConfigException($"{path}: user \"{context.User}\" is not among users");
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server))
            throw new ClientConfigException($"{path}: clusters[].cluster.server: Invalid value: \"{cluster.Server}\": not an absolute URL");
        var caPem = cluster.CertificateAuthorityData is { Length: > 0 } data ? Encoding.UTF8.GetString(Convert.FromBase64String(data)) : "";
        var servers = new List<Uri> { server };
        var failoverPrefix = context.Cluster + FailoverSeparator;
        foreach (var other in config.Clusters.Where(c => c.Name.StartsWith(failoverPrefix, StringComparison.Ordinal)))
        {
            if (!Uri.TryCreate(other.Cluster.Server, UriKind.Absolute, out var extra))
                throw new ClientConfigException($"{path}: clusters[{other.Name}].cluster.server: Invalid value: \"{other.Cluster.Server}\": not an absolute URL");
            if (!servers.Contains(extra))
                servers.Add(extra);
        }
        return new ClientSettings(server, user.Token ?? "", caPem, context.Namespace ?? "default") { Servers = servers };
    }

    /// <summary>Writes a kubeconfig-shaped file, owner-only (it holds a credential).</summary>
    public static void Write(string path, Uri server, string token, string caPem, string clusterName = "drover", string userName = "admin") =>
        Write(path, [server], token, caPem, clusterName, userName);

    /// <summary>
    /// As above, with several replicas: the first is the cluster's server (what kubectl uses), the others are listed as
    /// clusters named <c>NAME@2</c>, <c>NAME@3</c>, … with the same CA, which Drover's clients fail over to.
    /// </summary>
    public static void Write(string path, IReadOnlyList<Uri> servers, string token, string caPem, string clusterName = "drover", string userName = "admin") =>
        SecretFile.Write(path, Render(servers, token, caPem, clusterName, userName));

    /// <summary>The kubeconfig-shaped text <see cref="Write(string, Uri, string, string, string, string)"/> stores.</summary>
    public static string Render(Uri server, string token, string caPem, string clusterName = "drover", string userName = "admin") =>
        Render([server], token, caPem, clusterName, userName);

    /// <summary>The kubeconfig-shaped text with every replica (see <see cref="Write(string, IReadOnlyList{Uri}, string, string, string, string)"/>).</summary>
    public static string Render(IReadOnlyList<Uri> servers, string token, string caPem, string clusterName = "drover", string userName = "admin")
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentOutOfRangeException.ThrowIfZero(servers.Count);
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        var clusters = new StringBuilder();
        for (var i = 0; i < servers.Count; i++)
        {
            var name = i == 0 ? clusterName : $"{clusterName}{FailoverSeparator}{(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            clusters.Append($"""
                - name: {name}
                  cluster:
                    server: {servers[i].ToString().TrimEnd('/')}
                    certificate-authority-data: {ca}

                """);
        }
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            {clusters.ToString().TrimEnd('\n')}
            users:
            - name: {userName}
              user:
                token: {token}
            contexts:
            - name: {clusterName}
              context:
                cluster: {clusterName}
                user: {userName}
                namespace: default
            current-context: {clusterName}

            """;
    }

    public X509Certificate2Collection CaCertificates()
    {
        var collection = new X509Certificate2Collection();
        if (CaPem.Length > 0)
            collection.ImportFromPem(CaPem);
        return collection;
    }
}

public sealed class ClientConfigException : Exception
{
    public ClientConfigException() { }
    public ClientConfigException(string message) : base(message) { }
    public ClientConfigException(string message, Exception innerException) : base(message, innerException) { }
}
