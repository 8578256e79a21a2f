using System.Diagnostics;
using System.Text.Json.Nodes;
using Drover.Cli.Commands;

namespace Drover.Cli.Create.Tests;

/// <summary>
/// `drover create secret docker-registry` against the real kubectl 1.32 (/usr/bin/kubectl on this kind of machine; a
/// machine without it fails here): the same arguments with --dry-run=client need no server, and must print the same
/// Secret (the .dockerconfigjson bytes included) or fail with the same message and exit code.
/// </summary>
[Trait("Category", "Process")]
public sealed class CreateSecretDockerRegistryKubectlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("drover-create-secret-").FullName;

    public CreateSecretDockerRegistryKubectlTests()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{\"auths\":{\"reg.example\":{\"auth\":\"YTpi\"}}}\n");
        Directory.CreateDirectory(Path.Combine(_dir, "dir"));
        // kubectl must not read this machine's kubeconfig, and a client dry run needs no cluster in it.
        File.WriteAllText(Path.Combine(_dir, "kubeconfig"), "apiVersion: v1\nkind: Config\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("s --docker-server=reg.example:5000 --docker-username=u --docker-password=p")]
    [InlineData("s --docker-server=reg.example:5000 --docker-username=u --docker-password=p --docker-email=a@b.c")]
    [InlineData("s --docker-username=u --docker-password=p")]                                   // the Docker Hub default server
    [InlineData("s --docker-server=r --docker-username=u --docker-password=a<b>&c\"\\é\t -n prod")]  // Go's JSON escaping
    [InlineData("s --from-file=@/config.json")]
    [InlineData("s --from-file=.dockerconfigjson=@/config.json --from-file=extra=@/config.json")]
    [InlineData("s --from-file=@/config.json --docker-username=u --docker-password=p")]            // files win
    [InlineData("s --from-file=a=@/config.json,b=@/config.json")]                                   // a comma-separated list
    public async Task DryRunClient_SameArguments_SameSecretAsKubectl(string arguments)
    {
        foreach (var format in new[] { "json", "yaml" })
        {
            var args = Args(arguments, "--dry-run=client", "-o", format);
            var kubectl = await KubectlAsync(args);
            var drover = await DroverAsync(args);

            Assert.True(kubectl.ExitCode == 0, kubectl.Error);
            Assert.True(drover.ExitCode == 0, drover.Error);
            var expected = format == "json" ? JsonNode.Parse(kubectl.Out)! : await YamlAsJsonAsync(kubectl.Out);
            var actual = format == "json" ? JsonNode.Parse(drover.Out)! : await YamlAsJsonAsync(drover.Out);
            // Go prints a zero creationTimestamp as null; drover leaves it out.
            ((JsonObject)expected["metadata"]!).Remove("creationTimestamp");
            Assert.Equal(Canonical(expected), Canonical(actual));
        }
    }

    [Theory]
    [InlineData("s --docker-username=u --docker-password=p --dry-run=client")]
    [InlineData("s --docker-username=u --docker-password=p --dry-run=client -o name")]
    public async Task DryRunClient_WithoutOrWithNameOutput_SameLineAsKubectl(string arguments)
    {
        var kubectl = await KubectlAsync(Args(arguments));
        var drover = await DroverAsync(Args(arguments));

        Assert.Equal((0, kubectl.Out), (drover.ExitCode, drover.Out));
    }

    [Theory]
    [InlineData("s --docker-password=p --dry-run=client")]
    [InlineData("s --docker-username=u --dry-run=client")]
    [InlineData("s --docker-username=u --docker-password=p --docker-server= --dry-run=client")]
    [InlineData("s --from-file=k= --dry-run=client")]
    [InlineData("s --from-file==@/config.json --dry-run=client")]
    [InlineData("s --from-file=a=b=c --dry-run=client")]
    [InlineData("s --from-file=@/dir --dry-run=client")]
    [InlineData("s --from-file=k=@/missing --dry-run=client")]
    [InlineData("s --from-file=..k=@/config.json --dry-run=client")]
    [InlineData("s --from-file=bad/key=@/config.json --dry-run=client")]
    [InlineData("s --from-file=@/config.json --from-file=@/config.json --dry-run=client")]
    [InlineData("s --docker-username=u --docker-password=p --dry-run=bogus")]
    public async Task Run_BadArguments_SameErrorAndExitCodeAsKubectl(string arguments)
    {
        var kubectl = await KubectlAsync(Args(arguments));
        var drover = await DroverAsync(Args(arguments));

        Assert.Equal(1, kubectl.ExitCode);
        Assert.Equal((1, "", kubectl.Error.Trim()), (drover.ExitCode, drover.Out, drover.Error.Trim()));
    }

    [Fact]
    public async Task Run_NoName_SameFirstLineAndExitCodeAsKubectl()
    {
        var kubectl = await KubectlAsync(Args("--docker-username=u --docker-password=p --dry-run=client"));
        var drover = await DroverAsync(Args("--docker-username=u --docker-password=p --dry-run=client"));

        Assert.Equal((1, kubectl.Error.Split('\n')[0]), (drover.ExitCode, drover.Error.Split('\n')[0]));
        Assert.Contains("See 'drover create secret docker-registry -h' for help and examples", drover.Error, StringComparison.Ordinal);
    }

    /// <summary>The arguments split at spaces, "@/" standing for this test's directory (absolute: both tools run here, neither changes directory).</summary>
    private string[] Args(string arguments, params string[] more) =>
        ["create", "secret", "docker-registry", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Replace("@/", _dir + "/", StringComparison.Ordinal)), .. more];

    private static async Task<(int ExitCode, string Out, string Error)> DroverAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, new CliContext(output, error, TextReader.Null, TimeProvider.System));
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<(int ExitCode, string Out, string Error)> KubectlAsync(string[] args)
    {
        var info = new ProcessStartInfo(KubectlPath()) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--kubeconfig=" + Path.Combine(_dir, "kubeconfig"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["HOME"] = _dir;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>kubectl's YAML as JSON (through kubectl itself would need a server): a Secret's flat shape only.</summary>
    private static Task<JsonNode> YamlAsJsonAsync(string yaml)
    {
        var root = new JsonObject();
        JsonObject? section = null;
        foreach (var line in yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            var key = (colon < 0 ? line.TrimEnd(':') : line[..colon]).Trim();
            var value = colon < 0 ? null : line[(colon + 2)..];
            if (!line.StartsWith(' '))
            {
                section = value is null ? new JsonObject() : null;
                root[key] = section ?? (JsonNode)JsonValue.Create(value)!;
            }
            else if (value != "null")
            {
                section![key] = value;
            }
        }
        return Task.FromResult<JsonNode>(root);
    }

    /// <summary>The JSON with every object's keys sorted: kubectl's JSON keeps Go's field order, its YAML sorts them.</summary>
    private static string Canonical(JsonNode node) => Sorted(node)!.ToJsonString();

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    private static string KubectlPath() =>
        new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("kubectl 1.32 is not installed (/usr/bin/kubectl): these tests compare with it");
}
