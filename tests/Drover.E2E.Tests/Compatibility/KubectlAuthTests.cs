using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Compatibility.Tests;

/// <summary>
/// <c>kubectl auth can-i --list</c> (SelfSubjectRulesReview) with the real kubectl 1.32, as the admin and as the two
/// narrower identities droverd issues (a node, the ingress controller): each sees its own rules, printed as
/// Kubernetes prints them.
/// </summary>
[Collection(KubectlCollection.Name)]
[Trait("Category", "Process")]
public sealed class KubectlAuthTests(DroverdFixture fixture)
{
    [Fact]
    public async Task AuthCanIList_Admin_EverythingLikeSystemMasters()
    {
        var output = await new Kubectl(fixture.Server.ClientConfigPath).SucceedAsync("auth", "can-i", "--list");

        Assert.Matches(@"^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n", output);
        Assert.Matches(@"(?m)^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$", output);
        Assert.Matches(@"(?m)^\s+\[\*\]\s+\[\]\s+\[\*\]$", output);
        Assert.Matches(@"(?m)^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$", output);
    }

    [Fact]
    public async Task AuthCanIList_Ingress_WhatItRoutesByAndAWarning()
    {
        var result = await new Kubectl(fixture.Server.IngressConfigPath).RunAsync("auth", "can-i", "--list", "-n", "default");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"(?m)^ingresses\.networking\.k8s\.io\s+\[\]\s+\[\]\s+\[get list watch\]$", result.Stdout);
        Assert.Matches(@"(?m)^ingresses\.networking\.k8s\.io/status\s+\[\]\s+\[\]\s+\[get patch update\]$", result.Stdout);
        Assert.Matches(@"(?m)^services\s+\[\]\s+\[\]\s+\[get list watch\]$", result.Stdout);
        Assert.Matches(@"(?m)^\s+\[/apis/\*\]\s+\[\]\s+\[get\]$", result.Stdout);
        Assert.DoesNotContain("*.*", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("deployments", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Warning: the list may be incomplete: permissions that need a field selector", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthCanIList_Node_ItsOwnNodeAndLeaseByName()
    {
        var name = "canilist-" + Guid.NewGuid().ToString("N")[..6];
        var joinToken = (await File.ReadAllTextAsync(Path.Combine(fixture.Server.DataDirectory, "credentials", "join-token"))).Trim();
        var joined = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{fixture.Server.Port}"), joinToken, name);
        var config = Path.Combine(Directory.CreateTempSubdirectory("kubectl-node-").FullName, "config");
        ClientSettings.Write(config, joined.Server, joined.Token, joined.CaPem, userName: "system:node:" + name);
        var kubectl = new Kubectl(config);

        var inDefault = await kubectl.SucceedAsync("auth", "can-i", "--list");
        var inLeases = await kubectl.SucceedAsync("auth", "can-i", "--list", "-n", "kube-node-lease");

        Assert.Matches($@"(?m)^nodes\s+\[\]\s+\[{name}\]\s+\[patch update\]$", inDefault);
        Assert.Matches(@"(?m)^nodes\s+\[\]\s+\[\]\s+\[create get list watch\]$", inDefault);
        Assert.Matches(@"(?m)^services\s+\[\]\s+\[\]\s+\[get list watch\]$", inDefault);
        Assert.DoesNotContain("leases", inDefault, StringComparison.Ordinal);
        Assert.DoesNotContain("deployments", inDefault, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^leases\.coordination\.k8s\.io\s+\[\]\s+\[{name}\]\s+\[get patch update\]$", inLeases);
        Assert.Matches(@"(?m)^leases\.coordination\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$", inLeases);
        // can-i agrees with the listing: the same authorizer answers both.
        Assert.Equal("yes\n", await kubectl.SucceedAsync("auth", "can-i", "update", "lease/" + name, "-n", "kube-node-lease"));
        Assert.StartsWith("no", (await kubectl.RunAsync("auth", "can-i", "update", "lease/other", "-n", "kube-node-lease")).Stdout, StringComparison.Ordinal);
    }
}
