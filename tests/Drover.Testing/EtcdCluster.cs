using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Drover.Testing;

/// <summary>
/// A real etcd cluster (Debian's etcd-server) of <c>members</c> processes on loopback ports picked free at start, data
/// under a temporary directory removed on dispose. Members can be killed and restarted (same data, same ports) to test
/// failover and quorum loss. With <c>tls</c>, clients must present a certificate signed by the cluster's test CA
/// (<c>--client-cert-auth</c>), whose PEM files <see cref="Tls"/> names.
/// </summary>
public sealed class EtcdCluster : IAsyncDisposable
{
    public const string EtcdBinary = "/usr/bin/etcd";
    public const string EtcdctlBinary = "/usr/bin/etcdctl";

    private readonly Process?[] _members;
    private readonly int[] _clientPorts;
    private readonly int[] _peerPorts;

    private EtcdCluster(string directory, int members, EtcdTlsFiles? tls)
    {
        Directory = directory;
        Tls = tls;
        _members = new Process?[members];
        _clientPorts = new int[members];
        _peerPorts = new int[members];
        for (var i = 0; i < members; i++)
        {
            _clientPorts[i] = FreePort();
            _peerPorts[i] = FreePort();
        }
    }

    public string Directory { get; }

    public EtcdTlsFiles? Tls { get; }

    public int Count => _members.Length;

    public IReadOnlyList<Uri> ClientUrls => [.. _clientPorts.Select(ClientUrl)];

    /// <summary>Starts every member and waits until the cluster has a leader and takes writes.</summary>
    public static async Task<EtcdCluster> StartAsync(int members = 3, bool tls = false)
    {
        if (!File.Exists(EtcdBinary))
            throw new InvalidOperationException($"{EtcdBinary} is missing: etcd tests need Debian's etcd-server (./build.sh deps installs it).");
        var directory = Path.Combine(Path.GetTempPath(), "drover-etcd", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new EtcdCluster(directory, members, tls ? EtcdTlsFiles.Create(directory) : null);
        try
        {
            for (var i = 0; i < members; i++)
                cluster.StartMember(i, existing: false);
            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public bool IsRunning(int member) => _members[member] is { HasExited: false };

    /// <summary>The process id of a running member (its RSS for benchmarks), or null.</summary>
    public int? ProcessId(int member) => _members[member] is { HasExited: false } process ? process.Id : null;

    /// <summary>kill -9 of one member: its sockets close at once, its data stays for a restart.</summary>
    public async Task KillMemberAsync(int member)
    {
        if (_members[member] is not { } process)
            return;
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        process.Dispose();
        _members[member] = null;
    }

    /// <summary>Brings a killed member back with its data; it rejoins the cluster it left.</summary>
    public void RestartMember(int member)
    {
        if (_members[member] is not null)
            throw new InvalidOperationException($"etcd member {member} is running");
        StartMember(member, existing: true);
    }

    /// <summary>Waits until some member reports itself healthy (a leader, and a quorum to commit through).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < _members.Length; i++)
            {
                if (!IsRunning(i))
                    continue;
                try
                {
                    var body = await http.GetStringAsync(new Uri(ClientUrl(_clientPorts[i]), "/health")).ConfigureAwait(false);
                    if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                        return;
                    last = body;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    last = e.Message;
                }
            }
            await Task.Delay(200).ConfigureAwait(false);
        }
        throw new TimeoutException($"etcd did not become healthy within {timeout.TotalSeconds:0} s ({last}); logs in {Directory}");
    }

    /// <summary><c>etcdctl snapshot save</c> from one member while the cluster serves (README "Backups").</summary>
    public async Task SaveSnapshotAsync(string path, int member = 0)
    {
        var result = await EtcdctlAsync(["--endpoints", ClientUrl(_clientPorts[member]).ToString().TrimEnd('/'), .. TlsArgs(), "snapshot", "save", path]).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"etcdctl snapshot save failed: {result}");
    }

    /// <summary>
    /// The README's restore: every member stopped, its data directory replaced by <c>etcdctl snapshot restore</c> of
    /// <paramref name="path"/> (each member its own --name, all the same --initial-cluster), then started again on the
    /// same ports.
    /// </summary>
    public async Task RestoreSnapshotAsync(string path, TimeSpan timeout)
    {
        for (var i = 0; i < _members.Length; i++)
            await KillMemberAsync(i).ConfigureAwait(false);
        for (var i = 0; i < _members.Length; i++)
        {
            var data = Path.Combine(Directory, $"m{i}.etcd");
            if (System.IO.Directory.Exists(data))
                System.IO.Directory.Delete(data, recursive: true);
            var result = await EtcdctlAsync([
                "snapshot", "restore", path, "--name", $"m{i}", "--initial-cluster", InitialCluster(),
                "--initial-cluster-token", Path.GetFileName(Directory), "--initial-advertise-peer-urls", PeerUrl(i), "--data-dir", data,
            ]).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"etcdctl snapshot restore failed for member {i}: {result}");
        }
        for (var i = 0; i < _members.Length; i++)
            StartMember(i, existing: true);
        await WaitHealthyAsync(timeout).ConfigureAwait(false);
    }

    public string LogOf(int member) => File.Exists(LogPath(member)) ? File.ReadAllText(LogPath(member)) : string.Empty;

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _members.Length; i++)
            await KillMemberAsync(i).ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }

    private Uri ClientUrl(int port) => new($"{(Tls is null ? "http" : "https")}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    private string LogPath(int member) => Path.Combine(Directory, $"m{member}.log");

    private string InitialCluster() => string.Join(',', _peerPorts.Select((_, n) => $"m{n}={PeerUrl(n)}"));

    private string PeerUrl(int member) => $"http://127.0.0.1:{_peerPorts[member].ToString(CultureInfo.InvariantCulture)}";

    private string[] TlsArgs() => Tls is { } tls ? ["--cacert", tls.CaFile, "--cert", tls.ClientCertFile, "--key", tls.ClientKeyFile] : [];

    private static async Task<CliResult> EtcdctlAsync(IEnumerable<string> args)
    {
        if (!File.Exists(EtcdctlBinary))
            throw new InvalidOperationException($"{EtcdctlBinary} is missing: etcd backup tests need Debian's etcd-client (./build.sh deps installs it).");
        var info = ProcessRunner.Command(EtcdctlBinary, args);
        info.Environment["ETCDCTL_API"] = "3";
        return await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    private void StartMember(int i, bool existing)
    {
        var cluster = InitialCluster();
        var client = ClientUrl(_clientPorts[i]).ToString().TrimEnd('/');
        var peer = PeerUrl(i);
        var args = new List<string>
        {
            "--name", $"m{i}",
            "--data-dir", Path.Combine(Directory, $"m{i}.etcd"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", cluster, "--initial-cluster-token", Path.GetFileName(Directory),
            "--initial-cluster-state", existing ? "existing" : "new",
            "--logger", "zap", "--log-outputs", LogPath(i),
        };
        if (Tls is { } tls)
        {
            args.AddRange(["--cert-file", tls.ServerCertFile, "--key-file", tls.ServerKeyFile, "--client-cert-auth", "--trusted-ca-file", tls.CaFile]);
        }
        var info = ProcessRunner.Command(EtcdBinary, args);
        info.RedirectStandardOutput = false;
        info.RedirectStandardError = false;
        info.UseShellExecute = false;
        _members[i] = Process.Start(info) ?? throw new InvalidOperationException("etcd did not start");
    }

    private HttpClient HttpClient()
    {
        var handler = new HttpClientHandler();
        if (Tls is { } tls)
        {
            handler.ClientCertificates.Add(X509Certificate2.CreateFromPemFile(tls.ClientCertFile, tls.ClientKeyFile));
            handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>PEM files of a test CA, a serving certificate for 127.0.0.1 and a client certificate it signed.</summary>
public sealed record EtcdTlsFiles(string CaFile, string ServerCertFile, string ServerKeyFile, string ClientCertFile, string ClientKeyFile)
{
    public static EtcdTlsFiles Create(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=drover-etcd-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var files = new EtcdTlsFiles(
            Path.Combine(directory, "ca.crt"), Path.Combine(directory, "server.crt"), Path.Combine(directory, "server.key"),
            Path.Combine(directory, "client.crt"), Path.Combine(directory, "client.key"));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        Issue(ca, "CN=127.0.0.1", server: true, files.ServerCertFile, files.ServerKeyFile);
        Issue(ca, "CN=drover-test-client", server: false, files.ClientCertFile, files.ClientKeyFile);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, bool server, string certFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var sans = new SubjectAlternativeNameBuilder();
            sans.AddIpAddress(IPAddress.Loopback);
            sans.AddDnsName("localhost");
            request.CertificateExtensions.Add(sans.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        // Valid exactly as long as the CA: a later "now + 1 day" can pass the CA's end by a second, which .NET refuses.
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), ca.NotAfter, serial);
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
