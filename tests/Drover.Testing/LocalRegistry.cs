using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Drover.Testing;

/// <summary>
/// A real image registry on loopback: Debian's docker-registry (distribution 2.8) with htpasswd (bcrypt) auth, over
/// plain HTTP or over TLS with a serving certificate the test's own CA signed (<see cref="EtcdTlsFiles"/>: CA, and a
/// server certificate for 127.0.0.1 and localhost). <see cref="PushSampleAppAsync"/> copies the sample app's OCI
/// archive into it with skopeo.
/// </summary>
public sealed class LocalRegistry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LocalRegistry(string directory, int port, string user, string password, EtcdTlsFiles? tls, Process process)
    {
        Directory = directory;
        Port = port;
        User = user;
        Password = password;
        Tls = tls;
        _process = process;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>host:port as image references and docker config keys name it.</summary>
    public string Host => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public string User { get; }

    public string Password { get; }

    /// <summary>The CA and serving files when the registry speaks TLS.</summary>
    public EtcdTlsFiles? Tls { get; }

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>Starts the registry on a free loopback port; with <paramref name="tls"/> it serves HTTPS only.</summary>
    public static async Task<LocalRegistry> StartAsync(string user, string password, bool tls)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("drover-registry-").FullName;
        var htpasswd = await ProcessRunner.RunAsync(ProcessRunner.Command("htpasswd", ["-Bbn", user, password]), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (htpasswd.ExitCode != 0)
            throw new InvalidOperationException("htpasswd (Debian: apache2-utils) failed:\n" + htpasswd);
        await File.WriteAllTextAsync(Path.Combine(directory, "htpasswd"), htpasswd.Stdout).ConfigureAwait(false);
        var files = tls ? EtcdTlsFiles.Create(System.IO.Directory.CreateDirectory(Path.Combine(directory, "tls")).FullName) : null;
        var port = FreePorts.Next();
        var config = Path.Combine(directory, "config.yml");
        var tlsSection = files is null ? string.Empty : $"""

              tls:
                certificate: {files.ServerCertFile}
                key: {files.ServerKeyFile}
            """;
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {directory}/data
            http:
              addr: 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{tlsSection}
            auth:
              htpasswd:
                realm: drover-test
                path: {directory}/htpasswd
            """).ConfigureAwait(false);
        var start = ProcessRunner.Command("docker-registry", ["serve", config]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry (Debian: docker-registry) did not start");
        var registry = new LocalRegistry(directory, port, user, password, files, process);
        process.OutputDataReceived += (_, e) => registry.Append(e.Data);
        process.ErrorDataReceived += (_, e) => registry.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await registry.WaitForPortAsync().ConfigureAwait(false);
        }
        catch
        {
            await registry.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return registry;
    }

    /// <summary>Copies the sample app (artifacts/images/my-app.tar, tag v1.0) into the registry as <paramref name="repositoryAndTag"/> (e.g. edge/app:v1).</summary>
    public async Task PushSampleAppAsync(string repositoryAndTag)
    {
        var archive = Path.Combine(RepoPaths.Root, "artifacts", "images", "my-app.tar");
        var push = await ProcessRunner.RunAsync(ProcessRunner.Command("skopeo",
            ["copy", "--dest-tls-verify=false", "--dest-creds", User + ":" + Password, "oci-archive:" + archive + ":v1.0", "docker://" + Host + "/" + repositoryAndTag]),
            TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        if (push.ExitCode != 0)
            throw new InvalidOperationException($"skopeo copy into the test registry failed:\n{push}\nregistry log:\n{Log}");
    }

    /// <summary>A kubernetes.io/dockerconfigjson payload for <paramref name="server"/> (the key the image names).</summary>
    public static string DockerConfigJson(string server, string user, string password) =>
        "{\"auths\":{\"" + server + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    private async Task WaitForPortAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException("docker-registry did not listen on " + Host + ":\n" + Log);
            }
        }
    }
}
