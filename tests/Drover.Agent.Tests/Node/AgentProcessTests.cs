using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Agent.Node.Tests;

/// <summary>
/// The agent as the process it is in production: killed with SIGKILL while its pod runs, then started
/// again — the pod keeps serving throughout and the restarted agent adopts the same container.
/// </summary>
[Collection(NodeEnvironmentCollection.Name)]
[Trait("Category", "Process")]
public sealed class AgentProcessTests(NodeEnvironmentFixture env)
{
    private const string NodeName = "proc-6";

    private AgentProcess StartAgent(string dataDirectory, StringBuilder log) => AgentProcess.Start(
    [
        "--server", env.Server.ToString(), "--token", env.JoinToken, "--node-name", NodeName,
        "--data-dir", dataDirectory, "--containerd-socket", env.SocketPath, "--cni-conf-dir", env.CniConfDirectory,
        "--cni-bridge", env.Bridge, "--cni-ip-masq", "false", "--service-proxy", "false", "--cluster-dns", "off", "--metrics-addr", "off", "--lease-interval", "1s",
        "--serving-addr", "127.0.0.1:0",
    ], log);

    private static async Task<Pod> WaitForAsync(DroverClient api, string name, Func<Pod, bool> condition, string what, StringBuilder log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Pod? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await api.TryGetAsync(ResourceTypes.Pods, "default", name);
            if (last is not null && condition(last))
                return last;
            await Task.Delay(200);
        }
        throw new TimeoutException($"pod {name} never became {what}; last phase {last?.Status?.Phase}\nagent log:\n{log}");
    }

    private static bool Ready(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    [Fact]
    public async Task KillDashNine_PodKeepsServing_RestartedAgentAdoptsSameContainer()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("drover-agent-proc-").FullName;
        var log = new StringBuilder();
        using var api = env.Droverd.Client();
        var name = "adopt-" + Guid.NewGuid().ToString("N")[..6];
        var agent = StartAgent(dataDirectory, log);
        try
        {
            await api.CreateAsync(ResourceTypes.Pods, new Pod
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta { Name = name, Namespace = "default" },
                Spec = new PodSpec
                {
                    NodeName = NodeName,
                    TerminationGracePeriodSeconds = 5,
                    Containers = [new Container
                    {
                        Name = "app",
                        Image = "my-app:v1.0",
                        ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 },
                    }],
                },
            });
            var before = await WaitForAsync(api, name, Ready, "Ready", log);
            var containerId = before.Status!.ContainerStatuses![0].ContainerID;
            var podIp = before.Status.PodIP;

            await agent.KillAsync();   // SIGKILL: no shutdown code runs
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            Assert.Equal("ok", (await http.GetStringAsync(new Uri($"http://{podIp}:3000/health"))).Trim());

            await agent.DisposeAsync();
            agent = StartAgent(dataDirectory, log);
            // Give the new agent time to list, sync and (wrongly) restart anything it did not adopt.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var after = await WaitForAsync(api, name, Ready, "Ready again", log);
            Assert.Equal(containerId, after.Status!.ContainerStatuses![0].ContainerID);
            Assert.Equal(0, after.Status.ContainerStatuses[0].RestartCount);
            Assert.Equal("ok", (await http.GetStringAsync(new Uri($"http://{podIp}:3000/health"))).Trim());

            await api.DeleteAsync(ResourceTypes.Pods, "default", name);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await api.TryGetAsync(ResourceTypes.Pods, "default", name) is not null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the restarted agent did not finish the pod's deletion\n" + log);
                await Task.Delay(200);
            }
        }
        finally
        {
            await agent.DisposeAsync();
            await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
