using System.Text.Json;
using Drover.Agent.Cri;
using Drover.Agent.Cri.V1;

namespace Drover.Agent.Cri.Tests;

/// <summary>A pod run straight through CRI the way the agent will: sandbox, then one app container.</summary>
internal sealed class TestPod : IAsyncDisposable
{
    public const long CpuPeriod = 100_000;
    public const long CpuQuota500m = 50_000;
    public const long Memory256Mi = 256L * 1024 * 1024;
    public const long CpuShares500m = 512;

    private readonly CriClient _client;

    private TestPod(CriClient client, string name, PodSandboxConfig sandboxConfig)
    {
        _client = client;
        Name = name;
        SandboxConfig = sandboxConfig;
    }

    public string Name { get; }

    public PodSandboxConfig SandboxConfig { get; }

    public string SandboxId { get; private set; } = "";

    public string ContainerId { get; private set; } = "";

    public string PodIp { get; private set; } = "";

    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public static PodSandboxConfig NewSandboxConfig(string name, string logRoot)
    {
        var uid = Guid.NewGuid().ToString();
        var logDirectory = Path.Combine(logRoot, $"default_{name}_{uid}");
        System.IO.Directory.CreateDirectory(logDirectory);
        return new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = uid, Attempt = 0 },
            Hostname = name,
            LogDirectory = logDirectory,
            DnsConfig = new DNSConfig(),
            Labels = { ["io.kubernetes.pod.name"] = name, ["io.kubernetes.pod.namespace"] = "default", ["io.kubernetes.pod.uid"] = uid },
            Annotations = { ["drover.io/test"] = "true" },
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = $"{PrivateContainerdFixture.CgroupRoot}/pod{uid}",
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
    }

    public static ContainerConfig NewAppConfig(string image, LinuxContainerResources? resources = null) => new()
    {
        Metadata = new ContainerMetadata { Name = "app", Attempt = 0 },
        Image = new ImageSpec { Image = image },
        LogPath = "app/0.log",
        Envs = { new KeyValue { Key = "DROVER_TEST", Value = "1" } },
        Labels = { ["io.kubernetes.container.name"] = "app" },
        Linux = new LinuxContainerConfig
        {
            Resources = resources ?? new LinuxContainerResources(),
            SecurityContext = new LinuxContainerSecurityContext
            {
                NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
            },
        },
    };

    public static LinuxContainerResources Limits500m256Mi() => new()
    {
        CpuPeriod = CpuPeriod,
        CpuQuota = CpuQuota500m,
        CpuShares = CpuShares500m,
        MemoryLimitInBytes = Memory256Mi,
    };

    /// <summary>Runs the sandbox only.</summary>
    public static async Task<TestPod> RunSandboxAsync(PrivateContainerdFixture node, string name)
    {
        var pod = new TestPod(node.Client, name, NewSandboxConfig(name, Path.Combine(node.Directory, "pods")));
        pod.SandboxId = await node.Client.RunPodSandboxAsync(pod.SandboxConfig);
        var status = await node.Client.PodSandboxStatusAsync(pod.SandboxId);
        pod.PodIp = status.Status.Network?.Ip ?? "";
        return pod;
    }

    /// <summary>Runs the sandbox and starts the app container in it.</summary>
    public static async Task<TestPod> RunAsync(PrivateContainerdFixture node, string name, string image = "my-app:v1.0", LinuxContainerResources? resources = null)
    {
        var pod = await RunSandboxAsync(node, name);
        try
        {
            pod.ContainerId = await node.Client.CreateContainerAsync(pod.SandboxId, NewAppConfig(image, resources), pod.SandboxConfig);
            await node.Client.StartContainerAsync(pod.ContainerId);
            return pod;
        }
        catch
        {
            await pod.DisposeAsync();
            throw;
        }
    }

    /// <summary>The app container's host pid, from the runtime's verbose status.</summary>
    public async Task<int> ContainerPidAsync()
    {
        var status = await _client.ContainerStatusAsync(ContainerId, verbose: true);
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.GetProperty("pid").GetInt32();
    }

    /// <summary>The network namespace path the sandbox runs in, from the runtime's verbose status.</summary>
    public async Task<string> NetnsPathAsync()
    {
        var status = await _client.PodSandboxStatusAsync(SandboxId, verbose: true);
        using var info = JsonDocument.Parse(status.Info["info"]);
        foreach (var ns in info.RootElement.GetProperty("runtimeSpec").GetProperty("linux").GetProperty("namespaces").EnumerateArray())
        {
            if (ns.GetProperty("type").GetString() == "network" && ns.TryGetProperty("path", out var path))
            {
                return path.GetString() ?? "";
            }
        }

        return "";
    }

    public async Task WaitForHttpAsync(HttpClient http, string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{PodIp}:3000{path}"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"http://{PodIp}:3000{path} did not answer 2xx within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Stops and removes everything of the pod, as the agent does on delete; safe to repeat.</summary>
    public async ValueTask DisposeAsync()
    {
        if (ContainerId.Length > 0)
        {
            await _client.StopContainerAsync(ContainerId, TimeSpan.FromSeconds(5));
            await _client.RemoveContainerAsync(ContainerId);
        }

        if (SandboxId.Length > 0)
        {
            await _client.StopPodSandboxAsync(SandboxId);
            await _client.RemovePodSandboxAsync(SandboxId);
        }

        RemovePodCgroups(SandboxConfig.Linux.CgroupParent);
    }

    /// <summary>runc leaves the pod-level parent cgroup behind (kubelet owns it); remove it as the agent will.</summary>
    public static void RemovePodCgroups(string cgroupParent)
    {
        foreach (var hierarchy in System.IO.Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            var dir = hierarchy + cgroupParent;
            if (System.IO.Directory.Exists(dir))
            {
                try
                {
                    System.IO.Directory.Delete(dir);
                }
                catch (IOException)
                {
                    // Still has a child or a process: run-private.sh stop sweeps what is left.
                }
            }
        }
    }
}
