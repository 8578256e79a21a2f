using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// imagePullSecrets against a real registry: Debian's docker-registry (distribution 2.8) on loopback with htpasswd
/// (bcrypt) auth, the sample app pushed into it with skopeo, and pods on the ingress test's cluster (real containerd
/// and drover-agent) pulling it with imagePullPolicy Always: the right kubernetes.io/dockerconfigjson secret pulls and
/// runs; a wrong password or no secret waits in ErrImagePull/ImagePullBackOff with the registry's answer. containerd's
/// CRI speaks plain HTTP to a registry on 127.0.0.1 (its default for localhost), so no TLS here.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[Trait("Category", "Process")]
public sealed class PrivateRegistryEndToEndTests(IngressEndToEndFixture fixture) : IAsyncLifetime
{
    private const string Ns = "default";
    private const string User = "edge";
    private const string Password = "s3cret-pull";
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-registry-").FullName;
    private readonly int _port = FreePorts.Next();
    private Process? _registry;

    private TestCluster Cluster => fixture.Cluster;

    private string Image => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_port}/edge/app:v1");

    public async Task InitializeAsync()
    {
        var htpasswd = await ProcessRunner.RunAsync(ProcessRunner.Command("htpasswd", ["-Bbn", User, Password]), TimeSpan.FromSeconds(30));
        if (htpasswd.ExitCode != 0)
            throw new InvalidOperationException("htpasswd (Debian: apache2-utils) failed:\n" + htpasswd);
        await File.WriteAllTextAsync(Path.Combine(_directory, "htpasswd"), htpasswd.Stdout);
        var config = Path.Combine(_directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {_directory}/data
            http:
              addr: 127.0.0.1:{_port}
            auth:
              htpasswd:
                realm: drover-test
                path: {_directory}/htpasswd
            """);
        var start = ProcessRunner.Command("docker-registry", ["serve", config]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _registry = Process.Start(start) ?? throw new InvalidOperationException("docker-registry (Debian: docker-registry) did not start");
        _registry.BeginOutputReadLine();
        _registry.BeginErrorReadLine();
        await WaitForPortAsync();

        // The sample app's OCI archive (imported into every node already) goes into the registry under another name.
        var archive = Path.Combine(RepoPaths.Root, "artifacts", "images", "my-app.tar");
        var push = await ProcessRunner.RunAsync(ProcessRunner.Command("skopeo",
            ["copy", "--dest-tls-verify=false", "--dest-creds", User + ":" + Password, "oci-archive:" + archive + ":v1.0", "docker://" + Image]), TimeSpan.FromSeconds(120));
        if (push.ExitCode != 0)
            throw new InvalidOperationException("skopeo copy into the test registry failed:\n" + push);
    }

    public async Task DisposeAsync()
    {
        if (_registry is { HasExited: false })
        {
            _registry.Kill(entireProcessTree: true);
            await _registry.WaitForExitAsync();
        }
        _registry?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Create_PodWithTheRightPullSecret_PulledFromThePrivateRegistryAndRuns()
    {
        await CreateSecretAsync("regcred-good", Password);
        var name = await CreatePodAsync("pull-good", "regcred-good");
        try
        {
            var pod = await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded");
            Assert.Equal(0, Assert.Single(pod.Status!.ContainerStatuses!).State?.Terminated?.ExitCode);
            var logs = await Cluster.CliAsync("logs", name);
            Assert.True(logs.Stdout.Contains("pulled-from-registry", StringComparison.Ordinal), logs.ToString());
            var described = await Cluster.CliAsync("describe", "pod", name);
            Assert.True(described.Stdout.Contains("Successfully pulled image", StringComparison.Ordinal), described.ToString());
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, "regcred-good");
        }
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData(null)]
    public async Task Create_PodWithAWrongOrNoPullSecret_ErrImagePullWithTheRegistrysAnswer(string? password)
    {
        var secret = password is null ? null : "regcred-bad";
        if (secret is not null)
            await CreateSecretAsync(secret, password!);
        var name = await CreatePodAsync("pull-bad", secret);
        try
        {
            var pod = await WaitAsync(name, p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "waiting on its image");
            var waiting = pod.Status!.ContainerStatuses!.Single().State!.Waiting!;
            // containerd words it as "... 401 Unauthorized" or "... authorization failed" depending on the step that was refused.
            Assert.True(waiting.Message is { } message && (message.Contains("401", StringComparison.Ordinal) || message.Contains("authoriz", StringComparison.OrdinalIgnoreCase)), waiting.Message);
            var events = await Cluster.CliAsync("describe", "pod", name);
            Assert.True(events.Stdout.Contains("Failed to pull image", StringComparison.Ordinal), events.ToString());
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            if (secret is not null)
                await DeleteAsync(ResourceTypes.Secrets, secret);
        }
    }

    private async Task CreateSecretAsync(string name, string password)
    {
        var config = "{\"auths\":{\"127.0.0.1:" + _port.ToString(CultureInfo.InvariantCulture) + "\":{\"username\":\"" + User + "\",\"password\":\"" + password + "\"}}}";
        using var api = Cluster.Client();
        await api.CreateAsync(ResourceTypes.Secrets, new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns },
            Type = "kubernetes.io/dockerconfigjson",
            Data = new() { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(config) },
        });
    }

    private async Task<string> CreatePodAsync(string prefix, string? secret)
    {
        var name = prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        using var api = Cluster.Client();
        await api.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = new() { ["app"] = "registry-e2e" } },
            Spec = new PodSpec
            {
                RestartPolicy = "Never",
                TerminationGracePeriodSeconds = 1,
                ImagePullSecrets = secret is null ? null : [new LocalObjectReference { Name = secret }],
                Containers = [new Container { Name = "app", Image = Image, ImagePullPolicy = "Always", Command = ["sh", "-c", "echo pulled-from-registry"] }],
            },
        });
        return name;
    }

    private async Task<Pod> WaitAsync(string name, Func<Pod, bool> condition, string what)
    {
        Pod? pod = null;
        await Cluster.WaitAsync(async api =>
        {
            pod = (Pod)await api.GetAsync(ResourceTypes.Pods, Ns, name);
            return condition(pod);
        }, TimeSpan.FromSeconds(90), $"pod {name} {what}");
        using var client = Cluster.Client();
        await Cluster.ListPodsAsync(client, Ns, "app=registry-e2e");   // remembered for the cluster's clean-up
        return pod!;
    }

    private async Task DeleteAsync(ResourceType type, string name)
    {
        using var api = Cluster.Client();
        await api.DeleteAsync(type, Ns, name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task WaitForPortAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", _port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _registry is { HasExited: false })
            {
                await Task.Delay(100);
            }
        }
    }
}
