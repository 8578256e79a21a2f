using System.Security.Cryptography;

namespace Drover.ControlPlane.Joining;

/// <summary>
/// The token a new droverd replica joins with (k3s' server token): <c>K10&lt;sha256 of the CA&gt;::server-join:&lt;secret&gt;</c>.
/// It gets the cluster's CA key and every token, so it is a different secret from the agents' join token, which an
/// edge device holds and which must never be enough to impersonate the control plane.
/// </summary>
public static class ServerToken
{
    public const string FileName = "server-token";

    public static string LoadOrCreate(string dataDirectory, string caSha256)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var path = Path.Combine(dataDirectory, "credentials", FileName);
        if (File.Exists(path))
            return File.ReadAllText(path).Trim();
        var token = $"K10{caSha256}::server-join:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Drover.Api.Client.SecretFile.Write(path, token + "\n");
        return token;
    }
}
