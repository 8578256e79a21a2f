using System.Text;
using Drover.Agent.Node.Tests;
using Drover.Api;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Drover.Agent.Checkpoint.Tests;

/// <summary>
/// Offline autonomy with configuration, and "Secrets on tmpfs, never on disk". Pods with a configMap volume, a secret
/// volume and env from a secretKeyRef run; then the agent dies, droverd goes away and the node reboots
/// (run-private.sh reboot, and the agent's tmpfs volumes lose their contents). The agent started with droverd
/// unreachable brings the pods back from the checkpoints:
/// <list type="bullet">
/// <item>with <c>--checkpoint-secrets true</c> the Secret is in the checkpoint (sealed, its value in no file) and the
/// secret pod serves the same files and env offline;</item>
/// <item>by default no byte of the Secret is ever in the agent's data dir outside its tmpfs volumes (and none after the
/// reboot), a sealed Secret an earlier run left is deleted at start, the ConfigMap-only pod still starts offline, and
/// the secret pod starts once droverd is back.</item>
/// </list>
/// </summary>
[Collection(ProcessNodeCollection.Name)]
[Trait("Category", "Process")]
public sealed class OfflineVolumesTests(ProcessNodeFixture node, ITestOutputHelper output)
{
    private const string Greeting = "hello-from-configmap";

    private string Objects => Path.Combine(node.AgentDataDirectory, "checkpoint", "objects");

    [Fact]
    public async Task AgentStart_DroverdDownAfterRebootWithCheckpointSecrets_ConfigMapAndSecretVolumesAndEnvFromTheSealedCheckpoint()
    {
        var log = new StringBuilder();
        string Log() => log.ToString();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (name, cm, secret, password) = ("offline-vol-" + suffix, "offline-cfg-" + suffix, "offline-sec-" + suffix, "s3cret-offline-" + suffix);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        var agent = node.StartAgent(log, "--checkpoint-secrets", "true");
        try
        {
            string uid;
            using (var api = node.Droverd.Client())
            {
                await CreateObjectsAsync(api, cm, secret, password);
                var created = await api.CreateAsync(ResourceTypes.Pods, Pod(name, cm, secret));
                node.Track(created);
                uid = created.Metadata.Uid!;
                await ProcessNodeFixture.WaitForPodAsync(api, name, ProcessNodeFixture.IsReady, "Ready", Log);
            }
            var files = Directory.GetFiles(Objects).Where(f => f.Contains(suffix, StringComparison.Ordinal)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(new[] { $"configmap_default_{cm}.bin", $"secret_default_{secret}.bin" }, files);
            Assert.Empty(await ClearCopiesOutsideTmpfsAsync(password));

            await RebootWithoutDroverdAsync(agent);
            Assert.Null((await node.RunningAsync(uid)).ContainerId);

            agent = node.StartAgent(log, "--checkpoint-secrets", "true");
            var ip = await WaitServingAsync(uid, http, Log, TimeSpan.FromSeconds(60));
            Assert.Equal(Greeting, (await http.GetStringAsync(new Uri($"http://{ip}:3000/greeting"))).Trim());
            Assert.Equal(password, (await http.GetStringAsync(new Uri($"http://{ip}:3000/env"))).Trim());
            Assert.Equal(password, (await http.GetStringAsync(new Uri($"http://{ip}:3000/file"))).Trim());
            output.WriteLine($"offline with --checkpoint-secrets: pod {name} serves its configMap file, secret file and secret env at {ip}");
        }
        finally
        {
            await CleanUpAsync(agent, Log, [name], cm, secret);
        }
    }

    [Fact]
    public async Task AgentStart_DroverdDownAfterRebootByDefault_NoSecretOnDiskConfigMapPodOfflineSecretPodOnceDroverdIsBack()
    {
        var log = new StringBuilder();
        string Log() => log.ToString();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (cmPod, secretPod, cm, secret, password) = ("offline-cm-" + suffix, "offline-secpod-" + suffix, "offline-cfg-" + suffix, "offline-sec-" + suffix, "s3cret-default-" + suffix);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        var agent = node.StartAgent(log);
        try
        {
            string cmUid, secretUid;
            using (var api = node.Droverd.Client())
            {
                await CreateObjectsAsync(api, cm, secret, password);
                var created = await api.CreateAsync(ResourceTypes.Pods, Pod(cmPod, cm, secret: null));
                node.Track(created);
                cmUid = created.Metadata.Uid!;
                created = await api.CreateAsync(ResourceTypes.Pods, Pod(secretPod, cm, secret));
                node.Track(created);
                secretUid = created.Metadata.Uid!;
                await ProcessNodeFixture.WaitForPodAsync(api, cmPod, ProcessNodeFixture.IsReady, "Ready", Log);
                await ProcessNodeFixture.WaitForPodAsync(api, secretPod, ProcessNodeFixture.IsReady, "Ready", Log);
            }

            // Online: the ConfigMap is checkpointed, the Secret is not; its bytes are only in the secret volume's tmpfs.
            Assert.Equal(new[] { $"configmap_default_{cm}.bin" }, CheckpointFiles(suffix));
            Assert.NotEmpty(await TmpfsCopiesAsync(password));
            Assert.Empty(await ClearCopiesOutsideTmpfsAsync(password));
            // Not the agent's: env values go in the CRI container config, which containerd keeps (README "Secrets on
            // the nodes"); the container's own writes (/tmp/www/env here) are in its snapshot. Shown, not asserted.
            try
            {
                output.WriteLine("containerd's files holding the secret: " + string.Join(", ", (await FilesHoldingAsync(node.ContainerdDirectory, password)).Select(f => Path.GetRelativePath(node.ContainerdDirectory, f))));
            }
            catch (InvalidOperationException e)
            {
                // containerd's files come and go while it runs; this line is for the record only.
                output.WriteLine(e.Message);
            }

            await RebootWithoutDroverdAsync(agent);
            Assert.Empty(await ClearCopiesOutsideTmpfsAsync(password));
            Assert.Empty(await TmpfsCopiesAsync(password));
            // What an earlier run with --checkpoint-secrets (or an agent before the flag existed) left: a sealed Secret.
            new ObjectCheckpoint(Objects, Path.Combine(node.AgentDataDirectory, "credentials", "checkpoint.key"), keepSecrets: true, NullLogger.Instance)
                .Save(ResourceTypes.Secrets, "default", secret, SecretObject(secret, password));
            Assert.Contains($"secret_default_{secret}.bin", CheckpointFiles(suffix));

            agent = node.StartAgent(log);
            var ip = await WaitServingAsync(cmUid, http, Log, TimeSpan.FromSeconds(60));
            Assert.Equal(Greeting, (await http.GetStringAsync(new Uri($"http://{ip}:3000/greeting"))).Trim());
            Assert.Equal(new[] { $"configmap_default_{cm}.bin" }, CheckpointFiles(suffix));
            Assert.Null((await node.RunningAsync(secretUid)).ContainerId);
            Assert.Empty(await ClearCopiesOutsideTmpfsAsync(password));
            Assert.Empty(await TmpfsCopiesAsync(password));
            output.WriteLine($"offline by default: ConfigMap-only pod {cmPod} serves at {ip}; secret pod {secretPod} waits for droverd");

            await node.Droverd.StartAgainAsync();
            var secretIp = await WaitServingAsync(secretUid, http, Log, TimeSpan.FromSeconds(90));
            Assert.Equal(password, (await http.GetStringAsync(new Uri($"http://{secretIp}:3000/env"))).Trim());
            Assert.Equal(password, (await http.GetStringAsync(new Uri($"http://{secretIp}:3000/file"))).Trim());
            Assert.Equal(new[] { $"configmap_default_{cm}.bin" }, CheckpointFiles(suffix));
            Assert.Empty(await ClearCopiesOutsideTmpfsAsync(password));
            output.WriteLine($"droverd back: secret pod {secretPod} serves its secret file and env at {secretIp}");
        }
        finally
        {
            await CleanUpAsync(agent, Log, [cmPod, secretPod], cm, secret);
        }
    }

    /// <summary>Kills the agent, stops droverd and reboots the node: containers, network and the agent's tmpfs contents gone.</summary>
    private async Task RebootWithoutDroverdAsync(AgentProcess agent)
    {
        await agent.KillAsync();
        await node.Droverd.StopAsync();
        await node.ContainerdAsync("reboot");
        node.UnmountAgentVolumes();
    }

    private List<string> CheckpointFiles(string suffix) =>
        [.. Directory.GetFiles(Objects).Where(f => f.Contains(suffix, StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary>Files under the agent's data dir, outside its tmpfs mounts (on the node's disk), holding the value in the clear or as base64.</summary>
    private async Task<List<string>> ClearCopiesOutsideTmpfsAsync(string value)
    {
        var tmpfs = TmpfsMounts();
        return [.. (await FilesHoldingAsync(node.AgentDataDirectory, value)).Where(f => !tmpfs.Any(m => f.StartsWith(m + "/", StringComparison.Ordinal)))];
    }

    /// <summary>Files under the agent's tmpfs mounts holding the value (the secret volume while the pod runs).</summary>
    private async Task<List<string>> TmpfsCopiesAsync(string value)
    {
        var tmpfs = TmpfsMounts();
        return [.. (await FilesHoldingAsync(node.AgentDataDirectory, value)).Where(f => tmpfs.Any(m => f.StartsWith(m + "/", StringComparison.Ordinal)))];
    }

    /// <summary>
    /// grep -r (links not followed, devices, fifos and sockets skipped; files other processes lock, as containerd's
    /// bolt databases, read all the same) for the value in the clear or as base64.
    /// </summary>
    private static async Task<List<string>> FilesHoldingAsync(string directory, string value)
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        var grep = await ProcessRunner.RunAsync(ProcessRunner.Command("grep", ["-r", "-l", "-a", "-F", "-D", "skip", "-e", value, "-e", base64, directory]), TimeSpan.FromSeconds(60));
        // 0: found, 1: nothing found; anything else (2: an unreadable file) would make "nothing found" a lie.
        if (grep.ExitCode is not (0 or 1))
            throw new InvalidOperationException($"grep -r {directory} failed (exit {grep.ExitCode}): {grep.Stderr}");
        return [.. grep.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>tmpfs mount points at or under the agent's data dir (from /proc/self/mountinfo: the fifth field, and the type after " - ").</summary>
    private List<string> TmpfsMounts() =>
        [.. File.ReadLines("/proc/self/mountinfo")
            .Select(line => (Fields: line.Split(' '), Type: line[(line.IndexOf(" - ", StringComparison.Ordinal) + 3)..].Split(' ')[0]))
            .Where(m => m.Type == "tmpfs" && m.Fields[4].Replace("\\040", " ", StringComparison.Ordinal).StartsWith(node.AgentDataDirectory + "/", StringComparison.Ordinal))
            .Select(m => m.Fields[4].Replace("\\040", " ", StringComparison.Ordinal))];

    private static async Task CreateObjectsAsync(Api.Client.DroverClient api, string cm, string secret, string password)
    {
        await api.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = cm, Namespace = "default" }, Data = new() { ["greeting"] = Greeting } });
        await api.CreateAsync(ResourceTypes.Secrets, SecretObject(secret, password));
    }

    private static Secret SecretObject(string name, string password) =>
        new() { ApiVersion = "v1", Kind = "Secret", Metadata = new ObjectMeta { Name = name, Namespace = "default" }, Data = new() { ["password"] = Encoding.UTF8.GetBytes(password) } };

    private async Task CleanUpAsync(AgentProcess agent, Func<string> log, string[] pods, string cm, string secret)
    {
        foreach (var pod in pods)
            await node.DeletePodQuietlyAsync(pod);
        using (var api = node.Droverd.Client())
        {
            await api.DeleteAsync(ResourceTypes.ConfigMaps, "default", cm).ContinueWith(_ => { }, TaskScheduler.Default);
            await api.DeleteAsync(ResourceTypes.Secrets, "default", secret).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await agent.DisposeAsync();
        output.WriteLine("agent log:\n" + log());
    }

    /// <summary>A pod serving its configMap file (/greeting) and, with a Secret, the secret file (/file) and env (/env).</summary>
    private static Pod Pod(string name, string configMap, string? secret) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "offline-volumes" } },
        Spec = new PodSpec
        {
            NodeName = ProcessNodeFixture.NodeName,
            TerminationGracePeriodSeconds = 1,
            Volumes = secret is null
                ? [new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = configMap } }]
                : [new Volume { Name = "cfg", ConfigMap = new ConfigMapVolumeSource { Name = configMap } }, new Volume { Name = "sec", Secret = new SecretVolumeSource { SecretName = secret } }],
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Command = secret is null
                        ? ["sh", "-c", "mkdir -p /tmp/www && cp /cfg/greeting /tmp/www/greeting && exec httpd -f -p 3000 -h /tmp/www"]
                        : ["sh", "-c", "mkdir -p /tmp/www && cp /cfg/greeting /tmp/www/greeting && echo \"$PASSWORD\" > /tmp/www/env && cp /sec/password /tmp/www/file && exec httpd -f -p 3000 -h /tmp/www"],
                    Env = secret is null ? null : [new EnvVar { Name = "PASSWORD", ValueFrom = new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = secret, Key = "password" } } }],
                    VolumeMounts = secret is null
                        ? [new VolumeMount { Name = "cfg", MountPath = "/cfg" }]
                        : [new VolumeMount { Name = "cfg", MountPath = "/cfg" }, new VolumeMount { Name = "sec", MountPath = "/sec" }],
                    Ports = [new ContainerPort { Port = 3000 }],
                    ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/greeting", Port = 3000 }, PeriodSeconds = 1 },
                },
            ],
        },
    };

    private async Task<string> WaitServingAsync(string uid, HttpClient http, Func<string> log, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(100))
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
        throw new TimeoutException($"pod {uid} never served again\nagent log:\n" + log());
    }
}
