using System.Net;
using Drover.Agent.Configuration;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Agent.Logs.Tests;

public sealed class ServingCertificateTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-serving-cert-").FullName;
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    private string Cert => Path.Combine(_directory, "serving.crt");
    private string Key => Path.Combine(_directory, "serving.key");

    private string LoadHash()
    {
        using var certificate = ServingCertificate.LoadOrCreate(Cert, Key, "edge-1", IPAddress.Loopback, Lifetime, _time);
        return NodeServing.CertificateHash(certificate);
    }

    [Fact]
    public void LoadOrCreate_BeforeTwoThirds_SameCertificateAfterThatANewOne()
    {
        var first = LoadHash();

        _time.Advance(TimeSpan.FromHours(19));
        Assert.Equal(first, LoadHash());

        _time.Advance(TimeSpan.FromHours(1.5));
        var second = LoadHash();
        Assert.NotEqual(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Key));
    }

    [Fact]
    public void LoadOrCreate_KeyAndCertificateFromDifferentPairs_MadeAnew()
    {
        // A crash between the key's write and the certificate's: the pair on disk does not belong together.
        LoadHash();
        var staleCert = File.ReadAllText(Cert);
        File.Delete(Cert);
        LoadHash();
        File.WriteAllText(Cert, staleCert);

        using var loaded = ServingCertificate.LoadOrCreate(Cert, Key, "edge-1", IPAddress.Loopback, Lifetime, _time);

        Assert.NotEqual(staleCert, File.ReadAllText(Cert));
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void Flag_ServingCertLifetime_GoDurationDefaultOneYear()
    {
        string[] required = ["--server", "https://10.0.0.1:6443", "--node-ip", "10.0.0.5"];
        Assert.Equal(TimeSpan.FromHours(8760), AgentCommandLine.Parse(required).ServingCertificateLifetime);
        Assert.Equal(TimeSpan.FromSeconds(90), AgentCommandLine.Parse([.. required, "--serving-cert-lifetime", "1m30s"]).ServingCertificateLifetime);
        var e = Assert.Throws<AgentOptionsException>(() => AgentCommandLine.Parse([.. required, "--serving-cert-lifetime", "0s"]));
        Assert.Equal("--serving-cert-lifetime: \"0s\" must be longer than zero", e.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
