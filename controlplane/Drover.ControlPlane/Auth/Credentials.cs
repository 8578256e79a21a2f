using System.Security.Cryptography;
using Drover.Api.Client;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// The admin token, the join token and the ingress token, generated once and kept 0600 under
/// DATA/credentials. The join token is k3s-shaped — K10&lt;sha256 of the CA&gt;::server:&lt;secret&gt; — so a
/// joining node can pin the CA before it trusts anything the server says. The ingress token is the
/// read-mostly identity of drover-ingress (see <see cref="Authorizer"/>). The metrics token is Prometheus': it may read
/// /metrics and the service discovery of the agents, nothing of the API (see <see cref="TokenAuthentication"/>).
/// </summary>
public sealed record Credentials(string AdminToken, string JoinToken, string IngressToken, string MetricsToken)
{
    public const string IngressTokenPrefix = "drover-ingress:";
    public const string MetricsTokenPrefix = "drover-metrics:";
    public const string MetricsTokenFile = "metrics-token";

    public static Credentials LoadOrCreate(string dataDirectory, string caSha256)
    {
        var dir = Path.Combine(dataDirectory, "credentials");
        var admin = LoadOrCreate(Path.Combine(dir, "admin-token"), () => NewSecret());
        var join = LoadOrCreate(Path.Combine(dir, "join-token"), () => $"K10{caSha256}::server:{NewSecret()}");
        // Prefixed so a token in a log or a config says whose it is; the secret part is as strong as the admin's.
        var ingress = LoadOrCreate(Path.Combine(dir, "ingress-token"), () => IngressTokenPrefix + NewSecret());
        // Created on first use by older data directories too: an upgrade gains it without a new cluster.
        var metrics = LoadOrCreate(Path.Combine(dir, MetricsTokenFile), () => MetricsTokenPrefix + NewSecret());
        return new Credentials(admin, join, ingress, metrics);
    }

    private static string LoadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var value = create();
        SecretFile.Write(path, value + "\n");
        return value;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
