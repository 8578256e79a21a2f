using System.Diagnostics;
using System.Text;
using Drover.Agent.Volumes;
using Drover.Api;

namespace Drover.Agent.Pods.Tests;

/// <summary>
/// Volumes and env references on the real node (droverd + containerd 5 + the pod manager): what the containers see,
/// through CRI exec; a ConfigMap change reaching the files in place; and nothing left behind once the pod is gone.
/// </summary>
[Collection(AgentNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class PodVolumeTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly AgentNodeFixture _node;

    public PodVolumeTests(AgentNodeFixture node) => _node = node;

    private static Container AppContainer(string name, params VolumeMount[] mounts) =>
        new() { Name = name, Image = "my-app:v1.0", VolumeMounts = [.. mounts] };

    private async Task<(long Exit, string Out)> ExecAsync(Pod pod, string container, string script)
    {
        var id = pod.Status!.ContainerStatuses!.Single(c => c.Name == container).ContainerID!["containerd://".Length..];
        var result = await _node.Cri.ExecSyncAsync(id, ["sh", "-c", script], TimeSpan.FromSeconds(10));
        return (result.ExitCode, result.Stdout.ToStringUtf8().Trim());
    }

    private async Task<string> ExecOkAsync(Pod pod, string container, string script)
    {
        var (exit, output) = await ExecAsync(pod, container, script);
        Assert.True(exit == 0, $"`{script}` in {container} exited {exit}: {output}");
        return output;
    }

    private static bool AllRunning(Pod p) =>
        p.Status?.ContainerStatuses is { Count: 2 } statuses && statuses.All(c => c.State?.Running is not null);

    [Fact]
    public async Task Volumes_EverySource_SeenByTheContainersUpdatedInPlaceAndRemovedWithThePod()
    {
        var name = TestPods.NewName("volumes");
        await _node.Api.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Data = new() { ["mode"] = "one" } });
        await _node.Api.CreateAsync(ResourceTypes.Secrets, new Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Data = new() { ["password"] = Encoding.UTF8.GetBytes("s3cret") } });
        var pod = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "volumes" } },
            Spec = new PodSpec
            {
                NodeName = AgentNodeFixture.NodeName,
                TerminationGracePeriodSeconds = 1,
                Volumes =
                [
                    new Volume { Name = "shared", EmptyDir = new EmptyDirVolumeSource() },
                    new Volume { Name = "cache", EmptyDir = new EmptyDirVolumeSource { Medium = "Memory", SizeLimit = Quantity.Parse("16Mi") } },
                    new Volume { Name = "config", ConfigMap = new ConfigMapVolumeSource { Name = name } },
                    new Volume { Name = "creds", Secret = new SecretVolumeSource { SecretName = name, DefaultMode = 256 } },
                    new Volume { Name = "info", DownwardAPI = new DownwardAPIVolumeSource { Items = [new DownwardAPIVolumeFile { Path = "labels", FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels" } }] } },
                    new Volume { Name = "host", HostPath = new HostPathVolumeSource { Path = "/dev/null", Type = "CharDevice" } },
                ],
                Containers =
                [
                    AppContainer(
                        "app",
                        new VolumeMount { Name = "shared", MountPath = "/shared" },
                        new VolumeMount { Name = "cache", MountPath = "/cache" },
                        new VolumeMount { Name = "config", MountPath = "/etc/config" },
                        new VolumeMount { Name = "creds", MountPath = "/etc/creds" },
                        new VolumeMount { Name = "info", MountPath = "/etc/info" },
                        new VolumeMount { Name = "host", MountPath = "/dev/host-null" }) with
                    {
                        Env =
                        [
                            new EnvVar { Name = "PASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = name, Key = "password" } } },
                            new EnvVar { Name = "MODE", ValueFrom = new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = name, Key = "mode" } } },
                            new EnvVar { Name = "MY_POD_IP", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } } },
                        ],
                    },
                    // Not a second httpd: the pod's containers share one network namespace, and port 3000 is the app's.
                    AppContainer("sidecar", new VolumeMount { Name = "shared", MountPath = "/data", SubPath = "sub" }) with
                    {
                        Command = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
                    },
                ],
            },
        };
        var created = await TestPods.CreateAsync(_node.Api, pod);
        var uid = created.Metadata.Uid!;
        try
        {
            var running = await TestPods.WaitForAsync(_node.Api, name, AllRunning, StartTimeout, "both containers running");

            // emptyDir shared: the sidecar's subPath is the app's /shared/sub.
            await ExecOkAsync(running, "sidecar", "echo from-sidecar > /data/f");
            Assert.Equal("from-sidecar", await ExecOkAsync(running, "app", "cat /shared/sub/f"));
            Assert.Equal("one", await ExecOkAsync(running, "app", "cat /etc/config/mode"));
            Assert.Equal("s3cret", await ExecOkAsync(running, "app", "cat /etc/creds/password"));
            Assert.Equal("app=\"volumes\"", await ExecOkAsync(running, "app", "cat /etc/info/labels"));
            Assert.Equal("s3cret one " + running.Status!.PodIP, await ExecOkAsync(running, "app", "echo $PASSWORD $MODE $MY_POD_IP"));
            // Secrets and the memory emptyDir are tmpfs; API data is read-only; the hostPath char device is there.
            Assert.Contains("tmpfs", await ExecOkAsync(running, "app", "grep ' /etc/creds ' /proc/mounts"), StringComparison.Ordinal);
            Assert.Contains("tmpfs", await ExecOkAsync(running, "app", "grep ' /cache ' /proc/mounts"), StringComparison.Ordinal);
            Assert.NotEqual(0, (await ExecAsync(running, "app", "echo x > /etc/config/new")).Exit);
            Assert.Equal("c", await ExecOkAsync(running, "app", "ls -l /dev/host-null | cut -c1"));
            var hostVolumes = Path.Combine(_node.VolumeRoot, uid, "volumes");
            Assert.True(LinuxMounts.IsMountPoint(Path.Combine(hostVolumes, "kubernetes.io~secret", "creds")));

            // A ConfigMap change reaches the file in place (the ..data swap), without a restart.
            var map = await _node.Api.GetAsync(ResourceTypes.ConfigMaps, "default", name);
            await _node.Api.UpdateAsync(ResourceTypes.ConfigMaps, map with { Data = new() { ["mode"] = "two" } });
            var changed = Stopwatch.StartNew();
            while ((await ExecAsync(running, "app", "cat /etc/config/mode")).Out != "two")
            {
                Assert.True(changed.Elapsed < TimeSpan.FromSeconds(30), "the ConfigMap change did not reach the file within 30 s");
                await Task.Delay(200);
            }

            // A container restart keeps the emptyDir.
            await ExecAsync(running, "app", "kill 1");
            var restarted = await TestPods.WaitForAsync(_node.Api, name, p => AllRunning(p) && p.Status!.ContainerStatuses!.Single(c => c.Name == "app").RestartCount >= 1, StartTimeout, "app restarted");
            Assert.Equal("from-sidecar", await ExecOkAsync(restarted, "app", "cat /shared/sub/f"));
            Assert.Equal(0, restarted.Status!.ContainerStatuses!.Single(c => c.Name == "sidecar").RestartCount);
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
            await _node.Api.DeleteAsync(ResourceTypes.ConfigMaps, "default", name);
            await _node.Api.DeleteAsync(ResourceTypes.Secrets, "default", name);
        }

        // Gone with the pod: no directory, no mount.
        var podDir = Path.Combine(_node.VolumeRoot, uid);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Directory.Exists(podDir) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists(podDir), $"{podDir} is still there");
        Assert.Empty(LinuxMounts.MountsUnder(podDir));
    }

    [Fact]
    public async Task EnvSecretKeyMissing_WaitsWithCreateContainerConfigErrorEventNamesKey_StartsOnceAdded()
    {
        var name = TestPods.NewName("envref");
        await _node.Api.CreateAsync(ResourceTypes.Secrets, new Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Data = new() { ["other"] = [1] } });
        var pod = TestPods.WithContainer(TestPods.SeedTemplate(name), c => c with
        {
            ReadinessProbe = null,
            Env = [new EnvVar { Name = "TOKEN", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = name, Key = "token" } } }],
        });
        await TestPods.CreateAsync(_node.Api, pod);
        try
        {
            var expected = $"couldn't find key token in Secret default/{name}";
            var waiting = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Waiting?.Reason == "CreateContainerConfigError", StartTimeout, "CreateContainerConfigError");
            Assert.Equal(expected, TestPods.App(waiting)!.State!.Waiting!.Message);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            Event? failed = null;
            while (failed is null && DateTime.UtcNow < deadline)
            {
                var events = await _node.Api.ListAsync(ResourceTypes.Events, "default");
                failed = events.Items.OfType<Event>().FirstOrDefault(e => e.InvolvedObject.Name == name && e.Reason == "Failed" && e.Message == "Error: " + expected);
                await Task.Delay(200);
            }

            Assert.NotNull(failed);
            Assert.Equal("Warning", failed.Type);

            var secret = await _node.Api.GetAsync(ResourceTypes.Secrets, "default", name);
            await _node.Api.UpdateAsync(ResourceTypes.Secrets, secret with { Data = new() { ["token"] = Encoding.UTF8.GetBytes("t0ken") } });
            var running = await TestPods.WaitForAsync(_node.Api, name, p => TestPods.App(p)?.State?.Running is not null, StartTimeout, "Running once the key exists");
            Assert.Equal("t0ken", await ExecOkAsync(running, "app", "echo $TOKEN"));
        }
        finally
        {
            await TestPods.DeleteQuietlyAsync(_node.Api, name);
            await _node.Api.DeleteAsync(ResourceTypes.Secrets, "default", name);
        }
    }
}
