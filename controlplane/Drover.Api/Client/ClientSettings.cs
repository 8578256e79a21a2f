using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Drover.Api.Client;

/// <summary>What a client needs to talk to droverd: where, as whom, and which CA to trust.</summary>
public sealed record ClientSettings(Uri Server, string Token, string CaPem, string Namespace)
{
    public const string EnvironmentVariable = "DROVER_CONFIG";

    /// <summary>--config, else $DROVER_CONFIG, else ~/.drover/config.</summary>
    public static string ResolvePath(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return explicitPath;
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return fromEnvironment;
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".drover", "config");
    }

    public static ClientSettings Load(string path)
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
        var contextName = config.CurrentContext ?? config.Contexts.FirstOrDefault()?.Name;
        var context = config.Contexts.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new ClientConfigException($"{path}: current-context \"{contextName}\" is not among contexts");
        var cluster = config.Clusters.FirstOrDefault(c => c.Name == context.Cluster)?.Cluster
            ?? throw new ClientConfigException($"{path}: cluster \"{context.Cluster}\" is not among clusters");
        var user = config.Users.FirstOrDefault(u => u.Name == context.User)?.User
            ?? throw new ClientConfigException($"{path}: user \"{context.User}\" is not among users");
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server))
            throw new ClientConfigException($"{path}: clusters[].cluster.server: Invalid value: \"{cluster.Server}\": not an absolute URL");
        var caPem = cluster.CertificateAuthorityData is { Length: > 0 } data ? Encoding.UTF8.GetString(Convert.FromBase64String(data)) : "";
        return new ClientSettings(server, user.Token ?? "", caPem, context.Namespace ?? "default");
    }

    /// <summary>Writes a kubeconfig-shaped file, owner-only (it holds a credential).</summary>
    public static void Write(string path, Uri server, string token, string caPem, string clusterName = "drover", string userName = "admin") =>
        SecretFile.Write(path, Render(server, token, caPem, clusterName, userName));

    /// <summary>The kubeconfig-shaped text <see cref="Write"/> stores.</summary>
    public static string Render(Uri server, string token, string caPem, string clusterName = "drover", string userName = "admin")
    {
        ArgumentNullException.ThrowIfNull(server);
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {clusterName}
              cluster:
                server: {server.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
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
