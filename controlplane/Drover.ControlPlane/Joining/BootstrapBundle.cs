using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Joining;

/// <summary>
/// What every droverd replica of one cluster must share, as k3s' server bootstrap data: the cluster CA (certificate and
/// key, so each replica issues its own serving certificate under it) and the cluster's tokens. Each replica's own
/// serving and client certificates stay its own. Paths are relative to the data directory.
/// </summary>
public sealed record BootstrapBundle
{
    /// <summary>Shared files, by their path under the data directory; the content base64 (JSON's byte arrays).</summary>
    public Dictionary<string, byte[]> Files { get; init; } = [];

    /// <summary>The directories whose files are shared, and the per-replica files among them that are not.</summary>
    public static readonly string[] SharedDirectories = ["pki", "credentials"];

    public static readonly string[] PerReplicaFiles = ["pki/server.crt", "pki/server.key", "pki/apiserver-node-client.crt", "pki/apiserver-node-client.key"];

    /// <summary>Reads the shared files of <paramref name="dataDirectory"/> (everything in <see cref="SharedDirectories"/> but the per-replica files).</summary>
    public static BootstrapBundle Read(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var directory in SharedDirectories)
        {
            var full = Path.Combine(dataDirectory, directory);
            if (!Directory.Exists(full))
                continue;
            foreach (var file in Directory.EnumerateFiles(full))
            {
                var relative = directory + "/" + Path.GetFileName(file);
                if (!PerReplicaFiles.Contains(relative, StringComparer.Ordinal))
                    files[relative] = File.ReadAllBytes(file);
            }
        }
        return new BootstrapBundle { Files = files };
    }

    /// <summary>Writes the files under <paramref name="dataDirectory"/>, owner-only; a name that leaves the shared directories is refused.</summary>
    public void Write(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        foreach (var (relative, content) in Files)
        {
            var parts = relative.Split('/');
            if (parts.Length != 2 || !SharedDirectories.Contains(parts[0], StringComparer.Ordinal) || parts[1].Length == 0 || parts[1] is "." or ".."
                || parts[1].IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || PerReplicaFiles.Contains(relative, StringComparer.Ordinal))
                throw new InvalidDataException($"the bootstrap data names a file droverd does not share: \"{relative}\"");
            var directory = Path.Combine(dataDirectory, parts[0]);
            Directory.CreateDirectory(directory);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = Path.Combine(directory, parts[1]);
            Drover.Api.Client.SecretFile.Write(path, content);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BootstrapBundle))]
internal sealed partial class BootstrapJsonContext : JsonSerializerContext;
