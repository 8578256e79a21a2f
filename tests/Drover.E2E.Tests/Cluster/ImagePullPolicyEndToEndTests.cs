using System.Text;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// imagePullPolicy as kubelet's image manager applies it, against real containerd and Debian's docker-registry on
/// loopback (<see cref="PrivateRegistriesFixture"/>'s plain registry, htpasswd auth). Each test pushes the sample app
/// under a repository of its own and pins its pods to one node, so "present" means present on that node's containerd.
/// To prove that a pod did or did not pull, the tag is then deleted from the registry's storage: a pull from there on
/// fails with "not found".
/// - Never, image absent: the container waits in ErrImageNeverPull, with kubelet's Warning Event of that reason.
/// - IfNotPresent, image present: no pull (no Pulling Event; Pulled "… already present on machine"), even though the
///   registry no longer has the tag.
/// - Always, image present: pulled again (Pulling, then "Successfully pulled"); with the tag gone, ErrImagePull.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[Trait("Category", "Process")]
public sealed class ImagePullPolicyEndToEndTests(IngressEndToEndFixture fixture, PrivateRegistriesFixture registries) : IClassFixture<PrivateRegistriesFixture>
{
    private const string Ns = "default";
    private const string Label = "app=pull-policy-e2e";

    private TestCluster Cluster => fixture.Cluster;

    private LocalRegistry Registry => registries.Plain;

    [Fact]
    public async Task Create_NeverAndTheImageAbsent_ErrImageNeverPullAndKubeletsEvent()
    {
        // Never pushed, never pulled: absent on every node.
        var image = Registry.Host + "/edge/never-" + Guid.NewGuid().ToString("N")[..6] + ":v1";
        var name = await CreatePodAsync("never", image, "Never", secret: null);
        try
        {
            var expected = $"Container image \"{image}\" is not present with pull policy of Never";
            var pod = await WaitAsync(name, p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason == "ErrImageNeverPull", "waiting in ErrImageNeverPull");
            Assert.Equal(expected, pod.Status!.ContainerStatuses!.Single().State!.Waiting!.Message);
            var warning = await WaitForEventAsync(name, "ErrImageNeverPull");
            Assert.Equal(("Warning", expected), (warning.Type, warning.Message));
            Assert.DoesNotContain(await EventsAsync(name), e => e.Reason == "Pulling");
            var described = await Cluster.CliAsync("describe", "pod", name);
            Assert.True(described.Stdout.Contains("ErrImageNeverPull", StringComparison.Ordinal), described.ToString());
        }
        finally
        {
            await DeletePodAsync(name);
        }
    }

    [Fact]
    public async Task Create_IfNotPresentAndTheImagePresent_NoPullAndAlreadyPresentEvent()
    {
        var (image, secret) = await PushAsync("ifnotpresent");
        var pods = new List<string>();
        try
        {
            pods.Add(await RunToCompletionAsync("first", image, "Always", secret));
            DeleteTag(image);

            var name = await CreatePodAsync("present", image, "IfNotPresent", secret);
            pods.Add(name);
            await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded without a pull (the registry no longer has the tag)");
            var pulled = await WaitForEventAsync(name, "Pulled");
            Assert.Equal(("Normal", $"Container image \"{image}\" already present on machine"), (pulled.Type, pulled.Message));
            Assert.DoesNotContain(await EventsAsync(name), e => e.Reason == "Pulling");
        }
        finally
        {
            foreach (var pod in pods)
                await DeletePodAsync(pod);
            await DeleteSecretAsync(secret);
        }
    }

    [Fact]
    public async Task Create_AlwaysAndTheImagePresent_PulledAgain()
    {
        var (image, secret) = await PushAsync("always");
        var pods = new List<string>();
        try
        {
            pods.Add(await RunToCompletionAsync("first", image, "Always", secret));

            var again = await RunToCompletionAsync("again", image, "Always", secret);
            pods.Add(again);
            // The agent writes its events asynchronously (its broadcaster), the pod's status by another path: wait for them.
            Assert.Equal($"Pulling image \"{image}\"", (await WaitForEventAsync(again, "Pulling")).Message);
            Assert.StartsWith($"Successfully pulled image \"{image}\"", (await WaitForEventAsync(again, "Pulled")).Message, StringComparison.Ordinal);

            // With the tag gone from the registry, Always still asks it, present or not: the pull fails.
            DeleteTag(image);
            var gone = await CreatePodAsync("gone", image, "Always", secret);
            pods.Add(gone);
            var pod = await WaitAsync(gone, p => p.Status?.ContainerStatuses?.Single().State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "waiting on a pull that fails");
            Assert.Contains("not found", pod.Status!.ContainerStatuses!.Single().State!.Waiting!.Message ?? "", StringComparison.Ordinal);
            await WaitForEventAsync(gone, "Pulling");
        }
        finally
        {
            foreach (var pod in pods)
                await DeletePodAsync(pod);
            await DeleteSecretAsync(secret);
        }
    }

    /// <summary>The sample app pushed as edge/PREFIX-RANDOM:v1, and a pull secret for the registry.</summary>
    private async Task<(string Image, string Secret)> PushAsync(string prefix)
    {
        var repository = "edge/" + prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        await Registry.PushSampleAppAsync(repository + ":v1");
        var secret = "pull-policy-" + Guid.NewGuid().ToString("N")[..6];
        using var api = Cluster.Client();
        await api.CreateAsync(ResourceTypes.Secrets, new Secret
        {
            Metadata = new ObjectMeta { Name = secret, Namespace = Ns },
            Type = "kubernetes.io/dockerconfigjson",
            Data = new() { [".dockerconfigjson"] = Encoding.UTF8.GetBytes(LocalRegistry.DockerConfigJson(Registry.Host, Registry.User, Registry.Password)) },
        });
        return (Registry.Host + "/" + repository + ":v1", secret);
    }

    /// <summary>Removes the tag from the registry's filesystem storage: the registry answers "manifest unknown" for it from then on.</summary>
    private void DeleteTag(string image)
    {
        var repository = image[(Registry.Host.Length + 1)..image.LastIndexOf(':')];
        var tag = Path.Combine(Registry.Directory, "data", "docker", "registry", "v2", "repositories", repository, "_manifests", "tags", "v1");
        Assert.True(Directory.Exists(tag), "the registry keeps its tags elsewhere than " + tag);
        Directory.Delete(tag, recursive: true);
    }

    private async Task<string> RunToCompletionAsync(string prefix, string image, string policy, string secret)
    {
        var name = await CreatePodAsync(prefix, image, policy, secret);
        await WaitAsync(name, p => p.Status?.Phase == "Succeeded", "Succeeded");
        return name;
    }

    /// <summary>A pod on the cluster's first node (so that images pulled by one test pod are present for the next).</summary>
    private async Task<string> CreatePodAsync(string prefix, string image, string policy, string? secret)
    {
        var name = "policy-" + prefix + "-" + Guid.NewGuid().ToString("N")[..6];
        using var api = Cluster.Client();
        await api.CreateAsync(ResourceTypes.Pods, new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = new() { ["app"] = "pull-policy-e2e" } },
            Spec = new PodSpec
            {
                NodeName = Cluster.Nodes[0].Name,
                RestartPolicy = "Never",
                TerminationGracePeriodSeconds = 1,
                ImagePullSecrets = secret is null ? null : [new LocalObjectReference { Name = secret }],
                Containers = [new Container { Name = "app", Image = image, ImagePullPolicy = policy, Command = ["sh", "-c", "echo ran"] }],
            },
        });
        return name;
    }

    private Task<Pod> WaitAsync(string name, Func<Pod, bool> condition, string what) =>
        Cluster.WaitForPodAsync(Ns, name, Label, condition, TimeSpan.FromSeconds(90), what);

    private async Task<IReadOnlyList<Event>> EventsAsync(string pod)
    {
        using var api = Cluster.Client();
        return [.. (await api.ListAsync(ResourceTypes.Events, Ns, fieldSelector: "involvedObject.name=" + pod)).Items];
    }

    private async Task<Event> WaitForEventAsync(string pod, string reason)
    {
        Event? found = null;
        await Cluster.WaitAsync(async _ =>
        {
            found = (await EventsAsync(pod)).FirstOrDefault(e => e.Reason == reason);
            return found is not null;
        }, TimeSpan.FromSeconds(30), $"a {reason} Event for pod {pod}");
        return found!;
    }

    private async Task DeletePodAsync(string name)
    {
        using var api = Cluster.Client();
        await api.DeleteAsync(ResourceTypes.Pods, Ns, name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task DeleteSecretAsync(string name)
    {
        using var api = Cluster.Client();
        await api.DeleteAsync(ResourceTypes.Secrets, Ns, name).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
