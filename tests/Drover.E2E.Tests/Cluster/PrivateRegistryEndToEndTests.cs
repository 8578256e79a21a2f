using System.Text;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// imagePullSecrets, private CAs and mirrors against real registries: Debian's docker-registry (distribution 2.8) on
/// loopback with htpasswd (bcrypt) auth, the sample app pushed into it with skopeo, and pods on the ingress test's
/// cluster (real containerd and drover-agent) pulling it with imagePullPolicy Always.
/// - Plain HTTP (containerd's default for a registry on 127.0.0.1): the right kubernetes.io/dockerconfigjson secret
///   pulls and runs; a wrong password or no secret waits in ErrImagePull/ImagePullBackOff with the registry's answer.
/// - TLS from the test's own CA, configured on every node as install.sh --registry-ca/--registry-mirror does it
///   (packaging/containerd/registries.sh into the node's containerd certs.d, read per pull): the right secret pulls,
///   a wrong one gets the registry's 401; an image named after mirror.drover.test (a name no DNS knows) is pulled
///   through its mirror; a mirror whose CA is not configured fails with an Event naming the certificate error.
/// - examples/private-registry-pod.yaml (its Secret and Pod) applied with the drover CLI against the plain registry.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[Trait("Category", "Process")]
public sealed class PrivateRegistryEndToEndTests(IngressEndToEndFixture fixture, PrivateRegistriesFixture registries) : IAsyncLifetime, IClassFixture<PrivateRegistriesFixture>
{
    private const string Ns = "default";
    private const string Repository = "edge/app:v1";
    private const string MirroredRegistry = "mirror.drover.test";
    private const string UntrustedRegistry = "untrusted.drover.test";

    private TestCluster Cluster => fixture.Cluster;

    /// <summary>Every node's containerd trusts the TLS registry's CA, mirrors mirror.drover.test to it, and mirrors
    /// untrusted.drover.test to the same registry under the name localhost (for which no CA is configured).</summary>
    public async Task InitializeAsync()
    {
        var tls = registries.Tls;
        foreach (var node in Cluster.Nodes)
        {
            await RenderRegistriesAsync(node,
                "--registry-ca", tls.Host + "=" + tls.Tls!.CaFile,
                "--registry-mirror", MirroredRegistry + "=https://" + tls.Host,
                "--registry-mirror", UntrustedRegistry + "=https://localhost:" + tls.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Cluster.Nodes)
            await RenderRegistriesAsync(node);
    }

    [Fact]
    public async Task Create_PodWithTheRightPullSecret_PulledFromThePrivateRegistryAndRuns()
    {
        var registry = registries.Plain;
        await CreateSecretAsync("regcred-good", registry.Host, registry.Password);
        var name = await CreatePodAsync("pull-good", registry.Host + "/" + Repository, "regcred-good");
        try
        {
            await AssertPulledAndRanAsync(name);
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
        var registry = registries.Plain;
        var secret = password is null ? null : "regcred-bad";
        if (secret is not null)
            await CreateSecretAsync(secret, registry.Host, password!);
        var name = await CreatePodAsync("pull-bad", registry.Host + "/" + Repository, secret);
        try
        {
            await AssertUnauthorizedAsync(name);
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            if (secret is not null)
                await DeleteAsync(ResourceTypes.Secrets, secret);
        }
    }

    [Fact]
    public async Task Create_PodWithTheRightPullSecretFromATlsRegistry_PulledWithTheNodesCaAndRuns()
    {
        var registry = registries.Tls;
        await CreateSecretAsync("regcred-tls", registry.Host, registry.Password);
        var name = await CreatePodAsync("pull-tls", registry.Host + "/" + Repository, "regcred-tls");
        try
        {
            await AssertPulledAndRanAsync(name);
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, "regcred-tls");
        }
    }

    [Fact]
    public async Task Create_PodWithAWrongPullSecretForATlsRegistry_ErrImagePullWithTheRegistrysAnswer()
    {
        var registry = registries.Tls;
        await CreateSecretAsync("regcred-tls-bad", registry.Host, "wrong-password");
        var name = await CreatePodAsync("pull-tls-bad", registry.Host + "/" + Repository, "regcred-tls-bad");
        try
        {
            await AssertUnauthorizedAsync(name);
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, "regcred-tls-bad");
        }
    }

    [Fact]
    public async Task Create_PodImageOfAMirroredRegistry_PulledThroughTheMirror()
    {
        var registry = registries.Tls;
        // The kubelet's keyring matches the secret to the image's registry name; containerd sends it to the mirror.
        await CreateSecretAsync("regcred-mirror", MirroredRegistry, registry.Password);
        var name = await CreatePodAsync("pull-mirror", MirroredRegistry + "/" + Repository, "regcred-mirror");
        try
        {
            await AssertPulledAndRanAsync(name);
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, "regcred-mirror");
        }
    }

    [Fact]
    public async Task Create_PodFromARegistryWhoseCaIsNotConfigured_ErrImagePullEventNamesTheCertificateError()
    {
        var registry = registries.Tls;
        await CreateSecretAsync("regcred-untrusted", UntrustedRegistry, registry.Password);
        var name = await CreatePodAsync("pull-untrusted", UntrustedRegistry + "/" + Repository, "regcred-untrusted");
        try
        {
            var pod = await WaitAsync(name, p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "waiting on its image");
            var waiting = pod.Status!.ContainerStatuses!.Single().State!.Waiting!;
            Assert.True(waiting.Message is { } message && message.Contains("certificate signed by unknown authority", StringComparison.Ordinal), waiting.Message);
            var described = await Cluster.CliAsync("describe", "pod", name);
            Assert.True(described.Stdout.Contains("Failed to pull image", StringComparison.Ordinal)
                && described.Stdout.Contains("certificate signed by unknown authority", StringComparison.Ordinal), described.ToString());
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, "regcred-untrusted");
        }
    }

    [Fact]
    public async Task Apply_ExamplePrivateRegistryPod_PulledWithItsSecretRunningAndLogging()
    {
        const string name = "private-app", secret = "regcred";
        var registry = registries.Plain;
        // What the example tells a user to replace: the registry's address, the user and the password.
        var text = File.ReadAllText(Path.Combine(RepoPaths.Examples, "private-registry-pod.yaml"))
            .Replace("registry.local:5000", registry.Host, StringComparison.Ordinal)
            .Replace("\"username\":\"edge\"", "\"username\":\"" + registry.User + "\"", StringComparison.Ordinal)
            .Replace("s3cret-pull", registry.Password, StringComparison.Ordinal);
        var manifest = Path.Combine(Cluster.WorkDirectory, "manifests", "private-registry-pod.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        await File.WriteAllTextAsync(manifest, text);
        var applied = await Cluster.CliAsync("apply", "-f", manifest);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        try
        {
            Pod? pod = null;
            await Cluster.WaitAsync(async api =>
            {
                pod = await api.GetAsync(ResourceTypes.Pods, Ns, name);
                return pod.Status?.Phase == "Running" && TestCluster.IsReady(pod);
            }, TimeSpan.FromSeconds(90), $"pod {name} Running and Ready");
            Assert.Equal(registry.Host + "/" + Repository, Assert.Single(pod!.Spec.Containers).Image);

            var got = await Cluster.CliAsync("get", "pod", name);
            Assert.True(got.ExitCode == 0 && got.Stdout.Contains("Running", StringComparison.Ordinal), got.ToString());
            CliResult? logs = null;
            await Cluster.WaitAsync(async _ =>
            {
                logs = await Cluster.CliAsync("logs", name);
                return logs.Stdout.Contains("running an image from the private registry", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), $"the example's line in `drover logs {name}`");
            var described = await Cluster.CliAsync("describe", "pod", name);
            Assert.True(described.Stdout.Contains("Successfully pulled image", StringComparison.Ordinal), described.ToString());
        }
        finally
        {
            await DeleteAsync(ResourceTypes.Pods, name);
            await DeleteAsync(ResourceTypes.Secrets, secret);
        }
    }

    private async Task AssertPulledAndRanAsync(string name)
    {
        var pod = await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded");
        Assert.Equal(0, Assert.Single(pod.Status!.ContainerStatuses!).State?.Terminated?.ExitCode);
        var logs = await Cluster.CliAsync("logs", name);
        Assert.True(logs.Stdout.Contains("pulled-from-registry", StringComparison.Ordinal), logs.ToString());
        var described = await Cluster.CliAsync("describe", "pod", name);
        Assert.True(described.Stdout.Contains("Successfully pulled image", StringComparison.Ordinal), described.ToString());
    }

    private async Task AssertUnauthorizedAsync(string name)
    {
        var pod = await WaitAsync(name, p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "waiting on its image");
        var waiting = pod.Status!.ContainerStatuses!.Single().State!.Waiting!;
        // containerd words it as "... 401 Unauthorized" or "... authorization failed" depending on the step that was refused.
        Assert.True(waiting.Message is { } message && (message.Contains("401", StringComparison.Ordinal) || message.Contains("authoriz", StringComparison.OrdinalIgnoreCase)), waiting.Message);
        var events = await Cluster.CliAsync("describe", "pod", name);
        Assert.True(events.Stdout.Contains("Failed to pull image", StringComparison.Ordinal), events.ToString());
    }

    private static async Task RenderRegistriesAsync(ClusterNode node, params string[] options)
    {
        var script = Path.Combine(RepoPaths.Root, "packaging", "containerd", "registries.sh");
        var result = await ProcessRunner.RunAsync(
            ProcessRunner.Command(script, new[] { "render", Path.Combine(node.ContainerdDirectory, "certs.d") }.Concat(options)), TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0)
            throw new InvalidOperationException("registries.sh render failed:\n" + result);
    }

    private async Task CreateSecretAsync(string name, string server, string password)
    {
        var config = LocalRegistry.DockerConfigJson(server, registries.Plain.User, password);
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

    private async Task<string> CreatePodAsync(string prefix, string image, string? secret)
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
                Containers = [new Container { Name = "app", Image = image, ImagePullPolicy = "Always", Command = ["sh", "-c", "echo pulled-from-registry"] }],
            },
        });
        return name;
    }

    private Task<Pod> WaitAsync(string name, Func<Pod, bool> condition, string what) =>
        Cluster.WaitForPodAsync(Ns, name, "app=registry-e2e", condition, TimeSpan.FromSeconds(90), what);

    private async Task DeleteAsync(ResourceType type, string name)
    {
        using var api = Cluster.Client();
        await api.DeleteAsync(type, Ns, name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
