using System.Text;
using Drover.Agent.Node.Tests;
using Drover.Api;
using Xunit.Abstractions;

namespace Drover.Agent.Checkpoint.Tests;

/// <summary>
/// Offline autonomy with configuration: a pod with a configMap volume, a secret volume and env from a secretKeyRef
/// runs; the agent checkpoints the ConfigMap and Secret sealed (the secret's value is in no file); then the agent dies,
/// droverd goes away and the node reboots (run-private.sh reboot). The agent started with droverd unreachable
/// brings the pod back from the checkpoints, and the restarted container sees the same file contents and env value
/// (no CreateContainerConfigError), served by the pod itself.
/// </summary>
[Collection(ProcessNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class OfflineVolumesTests(ProcessNodeFixture node, ITestOutputHelper output)
{
    private const string Greeting = "hello-from-configmap";
    private const string Password = "s3cret-offline-4711";

    [Fact]
    public async Task AgentStart_DroverdDownAfterReboot_ConfigMapAndSecretVolumesAndEnvFromTheSealedCheckpoint()
    {
        var log = new StringBuilder();
        string Log() => log.ToString();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (name, cm, secret) = ("offline-vol-" + suffix, "offline-cfg-" + suffix, "offline-sec-" + suffix);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        var agent = node.StartAgent(log);
        try
        {
            string uid;
            using (var api = node.Droverd.Client())
            {
                await api.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = cm, Namespace = "default" }, Data = new() { ["greeting"] = Greeting } });
                await api.CreateAsync(ResourceTypes.Secrets, new Secret { ApiVersion = "v1", Kind = "Secret", Metadata = new ObjectMeta { Name = secret, Namespace = "default" }, Data = new() { ["password"] = Encoding.UTF8.GetBytes(Password) } });
                var created = await api.CreateAsync(ResourceTypes.Pods, Pod(name, cm, secret));
                node.Track(created);
                uid = created.Metadata.Uid!;
                await ProcessNodeFixture.WaitForPodAsync(api, name, ProcessNodeFixture.IsReady, "Ready", Log);
            }
            var objects = Path.Combine(node.AgentDataDirectory, "checkpoint", "objects");
            var files = Directory.GetFiles(objects).Where(f => f.Contains(suffix, StringComparison.Ordinal)).ToList();
            Assert.Equal(2, files.Count);
            foreach (var file in files)
                Assert.DoesNotContain(Password, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);

            await agent.KillAsync();
            await node.Droverd.StopAsync();
            await node.ContainerdAsync("reboot");
            Assert.Null((await node.RunningAsync(uid)).ContainerId);

            agent = node.StartAgent(log);
            var ip = await WaitServingAsync(uid, http, Log);
            Assert.Equal(Greeting, (await http.GetStringAsync(new Uri($"http://{ip}:3000/greeting"))).Trim());
            Assert.Equal(Password, (await http.GetStringAsync(new Uri($"http://{ip}:3000/env"))).Trim());
            Assert.Equal(Password, (await http.GetStringAsync(new Uri($"http://{ip}:3000/file"))).Trim());
            output.WriteLine($"offline: pod {name} serves its configMap file, secret file and secret env at {ip}");
        }
        finally
        {
            await node.DeletePodQuietlyAsync(name);
            using (var api = node.Droverd.Client())
            {
                await api.DeleteAsync(ResourceTypes.ConfigMaps, "default", cm).ContinueWith(_ => { }, TaskScheduler.Default);
                await api.DeleteAsync(ResourceTypes.Secrets, "default", secret).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            await agent.DisposeAsync();
            output.WriteLine("agent log:\n" + Log());
        }
    }

    private static Pod Pod(string name, string configMap, string secret) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "offline-volumes" } },
        Spec = new PodSpec
        {
            NodeName = ProcessNodeFixture.NodeName,
            TerminationGracePeriodSeconds = 1,
            Volumes =
            [
                new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = configMap } },
                new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = secret } },
            ],
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Command = ["sh", "-c", "mkdir -p /tmp/www && cp /cfg/greeting /tmp/www/greeting && echo \"$PASSWORD\" > /tmp/www/env && cp /sec/password /tmp/www/file && exec httpd -f -p 3000 -h /tmp/www"],
                    Env = [new EnvVar { Name = "PASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = secret, Key = "password" } } }],
                    VolumeMounts = [new VolumeMount { Name = "cfg", MountPath = "/cfg" }, new VolumeMount { Name = "sec", MountPath = "/sec" }],
                    Ports = [new ContainerPort { Port = 3000 }],
                    ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/greeting", Port = 3000 }, PeriodSeconds = 1 },
                },
            ],
        },
    };

    private async Task<string> WaitServingAsync(string uid, HttpClient http, Func<string> log)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var (id, _, ip) = await node.RunningAsync(uid);
            if (id is null || ip is null)
                continue;
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{ip}:3000/greeting"));
                if (response.IsSuccessStatusCode)
                    return ip;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
        }
        throw new TimeoutException("the pod never served again offline\nagent log:\n" + log());
    }
}
