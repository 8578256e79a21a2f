using System.Diagnostics;
using System.Net;
using Drover.Api;
using Drover.Ingress.Testing;
using Drover.Testing;

namespace Drover.Ingress.Proxy.Tests;

/// <summary>
/// spec.defaultBackend catches every request no rule matches, cluster-wide, so it gets an ingress of its
/// own; and the command line, whose errors must name the flag and the value.
/// </summary>
[Trait("Category", "Process")]
public sealed class DefaultBackendTests(IngressFixture fixture) : IClassFixture<IngressFixture>
{
    [Fact]
    public async Task Request_NoRuleMatches_GoesToDefaultBackendElse404()
    {
        var admin = fixture.Admin;
        await using var api = await TestBackend.StartAsync("api", fixture.Bridge.Address);
        await using var fallback = await TestBackend.StartAsync("fallback", fixture.Bridge.Address);
        foreach (var (name, backend) in new[] { ("api", api), ("fallback", fallback) })
        {
            await admin.CreateAsync(ResourceTypes.Services, Objects.Service("default", name));
            await admin.CreateAsync(ResourceTypes.Endpoints, Objects.Endpoints("default", name, backend.Port, [fixture.Bridge.Address.ToString()]));
        }
        var ingress = Objects.Ingress("default", "shop", "shop.example.com", Objects.Path("/api", "api"));
        await admin.CreateAsync(ResourceTypes.Ingresses, ingress);
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        var unmatched = new Uri($"http://unknown.example.org:{fixture.Ingress.HttpPort}/x");
        await IngressHttp.EventuallyAsync(async () => (await client.GetAsync(new Uri($"http://shop.example.com:{fixture.Ingress.HttpPort}/api"))).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "api routed");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(unmatched)).StatusCode);

        // drover-ingress writes its address into the status once it serves the rule, asynchronously: that write may land
        // between this read and the update (409); read and write again then, as kubectl edit does.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var stored = await admin.GetAsync(ResourceTypes.Ingresses, "default", "shop");
            await admin.UpdateAsync(ResourceTypes.Ingresses, ingress with
            {
                Metadata = stored.Metadata,
                Spec = ingress.Spec with { DefaultBackend = new IngressBackend { Service = new IngressServiceBackend { Name = "fallback", Port = new ServiceBackendPort { Number = 80 } } } },
            });
        });

        await IngressHttp.EventuallyAsync(async () => (await (await client.GetAsync(unmatched)).Content.ReadAsStringAsync()).StartsWith("backend=fallback ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "unmatched host to the default backend");
        Assert.StartsWith("backend=fallback ", await client.GetStringAsync(new Uri($"http://shop.example.com:{fixture.Ingress.HttpPort}/web")), StringComparison.Ordinal);
        Assert.StartsWith("backend=api ", await client.GetStringAsync(new Uri($"http://shop.example.com:{fixture.Ingress.HttpPort}/api/v1")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--http-port", "eighty", "--http-port: \"eighty\" is not a port number")]
    [InlineData("--metrics-addr", "everywhere", "--metrics-addr: \"everywhere\" is not an address")]
    [InlineData("--upstream-timeout", "soon", "--upstream-timeout: \"soon\" is not a duration")]
    [InlineData("--bind-address", "localhost", "--bind-address: \"localhost\" is not an IP address")]
    public async Task CommandLine_BadFlag_Exit2NamingFlagAndValue(string flag, string value, string expected)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { RepoPaths.Ingress, "--config", fixture.Server.IngressConfigPath, flag, value })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
