using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>A droverd whose node credentials live 20 s and overlap 8 s once renewed (process tests; no agent).</summary>
public sealed class ShortCredentialDroverdFixture : IAsyncLifetime
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(8);
    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public string JoinToken => File.ReadAllText(Path.Combine(Server.DataDirectory, "credentials", "join-token")).Trim();

    public async Task InitializeAsync() =>
        _server = await DroverdProcess.StartAsync(null, "--node-credential-lifetime", "20s", "--node-credential-overlap", "8s");

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

/// <summary>Node credentials renewed, overlapping, expiring, revoked and re-issued, against a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class NodeCredentialRotationTests(ShortCredentialDroverdFixture fixture) : IClassFixture<ShortCredentialDroverdFixture>
{
    private DroverdProcess Server => fixture.Server;

    private async Task<string> JoinAsync(string node) =>
        (await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{Server.Port}"), fixture.JoinToken, node)).Token;

    private async Task<int> CodeAsync(string token)
    {
        using var client = Server.ClientWithToken(token);
        try
        {
            await client.ListAsync(ResourceTypes.Namespaces, null);
            return 200;
        }
        catch (ApiClientException e)
        {
            return e.Code;
        }
    }

    [Fact]
    public async Task Renew_NewOneUsed_OldOneWorksForTheOverlapOnlyThenIsRefused()
    {
        var old = await JoinAsync("renew-1");
        using var oldClient = Server.ClientWithToken(old);
        var described = await NodeCredentialApi.DescribeSelfAsync(oldClient);
        Assert.Equal("renew-1", described.NodeName);
        Assert.Equal(ShortCredentialDroverdFixture.Lifetime, described.ExpiresAt - described.IssuedAt);

        var renewed = await NodeCredentialApi.RenewSelfAsync(oldClient);
        Assert.StartsWith("drover-node:renew-1:", renewed.Token, StringComparison.Ordinal);
        Assert.NotEqual(old, renewed.Token);
        // Not used yet: the old one is still the current one.
        Assert.Equal(200, await CodeAsync(old));

        // The old credential works for the overlap after its successor's first use, but never past its own end: on a
        // loaded machine the requests since the join can take a good part of its 20 s, and then its end comes first.
        // droverd's clock is this machine's, so the window is known from both times (stored to the millisecond).
        var beforeFirstUse = DateTimeOffset.UtcNow;
        using var newClient = Server.ClientWithToken(renewed.Token!);
        var current = await NodeCredentialApi.DescribeSelfAsync(newClient);
        Assert.Equal(renewed.ExpiresAt, current.ExpiresAt);
        var overlapEnds = Min(beforeFirstUse + ShortCredentialDroverdFixture.Overlap, described.ExpiresAt!.Value) - TimeSpan.FromMilliseconds(1);

        // Polled from now on: a refusal before the window ends fails the bound below, so the old one working right
        // after its successor's first use is checked too (unless the machine took the whole window to get here).
        while (await CodeAsync(old) == 200)
        {
            Assert.True(DateTimeOffset.UtcNow < beforeFirstUse.AddMinutes(1), "the old credential still works a minute after its successor was used");
            await Task.Delay(200);
        }
        var refusedBy = DateTimeOffset.UtcNow;
        Assert.True(refusedBy >= overlapEnds, $"refused by {refusedBy:O}, before the overlap ended at {overlapEnds:O}");
        Assert.Equal(401, await CodeAsync(old));
        Assert.Equal(200, await CodeAsync(renewed.Token!));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [Fact]
    public async Task Renew_NeverUsed_OldOneStaysAndTheNextRenewalReplacesTheUnusedOne()
    {
        // An agent that died between asking and storing: it comes back with the old credential and asks again.
        var old = await JoinAsync("renew-2");
        using var oldClient = Server.ClientWithToken(old);
        var lost = await NodeCredentialApi.RenewSelfAsync(oldClient);

        var again = await NodeCredentialApi.RenewSelfAsync(oldClient);

        Assert.Equal(200, await CodeAsync(old));
        Assert.Equal(401, await CodeAsync(lost.Token!));
        Assert.Equal(200, await CodeAsync(again.Token!));
    }

    [Fact]
    public async Task Credential_PastItsLifetime_Refused()
    {
        var token = await JoinAsync("expire-1");
        using var client = Server.ClientWithToken(token);
        var expires = (await NodeCredentialApi.DescribeSelfAsync(client)).ExpiresAt!.Value;
        Assert.Equal(200, await CodeAsync(token));

        while (DateTimeOffset.UtcNow < expires.AddSeconds(1))
            await Task.Delay(500);

        Assert.Equal(401, await CodeAsync(token));
    }

    [Fact]
    public async Task CredentialPaths_EachIdentityOnlyItsOwn()
    {
        var token = await JoinAsync("paths-1");
        using var node = Server.ClientWithToken(token);
        using var admin = Server.Client();

        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => NodeCredentialApi.ListAsync(node))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => NodeCredentialApi.IssueAsync(node, "paths-1"))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => NodeCredentialApi.DescribeSelfAsync(admin))).Code);
        Assert.Equal(403, (await Assert.ThrowsAsync<ApiClientException>(() => node.GetRawAsync(CertificateStatusList.Path))).Code);
        Assert.Equal(400, (await Assert.ThrowsAsync<ApiClientException>(() => NodeCredentialApi.IssueAsync(admin, "Not_A_Node"))).Code);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiClientException>(() => NodeCredentialApi.RevokeAsync(admin, "never-joined"))).Code);
    }

    [Fact]
    public async Task Cli_TokenListCreateRevoke_CertificateCheck()
    {
        var joined = await JoinAsync("cli-node");

        var list = await CliRunner.RunAsync(Server, "token", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"NODE\s+ISSUED\s+EXPIRES\s+STATE", list.Stdout);
        Assert.Matches(@"cli-node\s+\S+ ago\s+in \S+\s+Active", list.Stdout);

        var create = await CliRunner.RunAsync(Server, "token", "create", "cli-node");
        Assert.True(create.ExitCode == 0, create.ToString());
        var config = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(config, create.Stdout);
            var issued = ClientSettings.Load(config);
            Assert.StartsWith("drover-node:cli-node:", issued.Token, StringComparison.Ordinal);
            Assert.Equal(401, await CodeAsync(joined));
            Assert.Equal(200, await CodeAsync(issued.Token));

            var revoke = await CliRunner.RunAsync(Server, "token", "revoke", "cli-node");
            Assert.True(revoke.ExitCode == 0, revoke.ToString());
            Assert.Equal("node credential \"cli-node\" revoked\n", revoke.Stdout);
            Assert.Equal(401, await CodeAsync(issued.Token));
            Assert.DoesNotContain("cli-node", (await CliRunner.RunAsync(Server, "token", "list")).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }

        var check = await CliRunner.RunAsync(Server, "certificate", "check");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Matches(@"ca\s+in \S+\s+\S+Z\s+manual", check.Stdout);
        Assert.Matches(@"serving\s+in \S+\s+\S+Z\s+in \S+", check.Stdout);
        Assert.Matches(@"apiserver-node-client\s+in \S+", check.Stdout);
    }
}
