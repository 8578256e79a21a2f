using System.Diagnostics;
using System.Globalization;
using System.Net;
using Drover.Api;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// lifecycle.preStop on a real pod, on the ingress test's cluster (agents with their default 2 s drain
/// delay): the hooks run when the pod is deleted, side by side with the drain delay, and SIGTERM waits for
/// both, so a Kubernetes manifest's <c>preStop: sleep</c> keeps the pod serving as long as it says.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[Trait("Category", "Process")]
public sealed class PreStopHookTests(IngressEndToEndFixture fixture, ITestOutputHelper output)
{
    private const int SleepSeconds = 4;

    [Fact]
    public async Task Delete_PreStopExecAndSleep_ExecRunsAndContainersServeUntilTheSleepEnds()
    {
        var cluster = fixture.Cluster;
        using var api = cluster.Client();
        var name = "prestop-" + Guid.NewGuid().ToString("N")[..6];
        await api.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "prestop" } },
            Spec = new PodSpec
            {
                Containers =
                [
                    // The exec hook leaves a file that this container's httpd then serves: the machine's uptime when it
                    // ran (/proc/uptime is not namespaced), so its delay is measured by the hook, not by the test's polling.
                    // Written aside and renamed: the shell's redirect creates the file empty before cat fills it, and the
                    // test's polling once read it in between.
                    new Container
                    {
                        Name = "app",
                        Image = SeedManifests.ImageV1,
                        Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Exec = new ExecAction { Command = ["sh", "-c", "cat /proc/uptime > /www/prestop.part && mv /www/prestop.part /www/prestop"] } } },
                    },
                    new Container
                    {
                        Name = "side",
                        Image = SeedManifests.ImageV1,
                        Env = [new EnvVar { Name = "PORT", Value = "3001" }],
                        Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = SleepSeconds } } },
                    },
                ],
            },
        });
        try
        {
            string? ip = null;
            await cluster.WaitAsync(async a =>
            {
                var pod = await a.GetAsync(ResourceTypes.Pods, "default", name);
                ip = pod.Status?.PodIP;
                return TestCluster.IsReady(pod) && ip is not null;
            }, TimeSpan.FromSeconds(60), $"pod {name} Ready");
            await cluster.ListPodsAsync(api, "default", "app=prestop");   // remembered for the cluster's clean-up
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(1) };
            var app = new Uri($"http://{ip}:3000/health");
            var side = new Uri($"http://{ip}:3001/health");
            var marker = new Uri($"http://{ip}:3000/prestop");
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(http, marker));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, side));

            var clock = Stopwatch.StartNew();
            var deletedAt = Uptime(File.ReadAllText("/proc/uptime"));
            await api.DeleteAsync(ResourceTypes.Pods, "default", name);   // the default 30 s grace period
            TimeSpan? exec = null, appLast = null, sideLast = null;
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                if (exec is null && await BodyAsync(http, marker) is { } ranAt)
                    exec = TimeSpan.FromSeconds(Uptime(ranAt) - deletedAt);
                var appUp = await StatusAsync(http, app) == HttpStatusCode.OK;
                var sideUp = await StatusAsync(http, side) == HttpStatusCode.OK;
                if (appUp)
                    appLast = clock.Elapsed;
                if (sideUp)
                    sideLast = clock.Elapsed;
                if (!appUp && !sideUp)
                    break;
                await Task.Delay(100);
            }
            await cluster.WaitAsync(async a => await a.TryGetAsync(ResourceTypes.Pods, "default", name) is null, TimeSpan.FromSeconds(30), $"pod {name} deleted");
            var gone = clock.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"after the deletion: exec hook ran {exec?.TotalSeconds:0.00} s after it (by its own /proc/uptime); app answered until {appLast?.TotalSeconds:0.00} s, side until {sideLast?.TotalSeconds:0.00} s; pod gone at {gone.TotalSeconds:0.00} s (sleep hook {SleepSeconds} s, drain delay 2 s)"));

            Assert.True(exec is not null, "the exec hook's file was never served");
            Assert.True(exec < TimeSpan.FromSeconds(2), $"the exec hook ran {exec?.TotalSeconds:0.00} s after the deletion, not at once");
            // Both containers stop together, after the longest hook: the sleep outlasts the 2 s drain delay.
            var sleep = TimeSpan.FromSeconds(SleepSeconds - 0.5);
            Assert.True(appLast >= sleep, $"app stopped answering {appLast?.TotalSeconds:0.00} s after the deletion, before the {SleepSeconds} s preStop sleep ended");
            Assert.True(sideLast >= sleep, $"side stopped answering {sideLast?.TotalSeconds:0.00} s after the deletion, before the {SleepSeconds} s preStop sleep ended");
            Assert.True(gone < TimeSpan.FromSeconds(SleepSeconds + 10), $"the pod took {gone.TotalSeconds:0.0} s to go: SIGTERM should follow the hooks, not the 30 s grace period");
        }
        finally
        {
            await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 0).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The first field of /proc/uptime's text: seconds since boot.</summary>
    private static double Uptime(string procUptime) =>
        double.Parse(procUptime.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);

    /// <summary>The body of a 200 answer, else null (not there yet, or the container not answering).</summary>
    private static async Task<string?> BodyAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
