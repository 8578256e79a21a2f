using Drover.Cli.Commands;

namespace Drover.Cli.Commands.Tests;

/// <summary>The whole command line through System.CommandLine, for what fails before any server is contacted.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext(output, error, TextReader.Null, TimeProvider.System);
        var exitCode = await CliApplication.RunAsync(args, context);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("rollout status pod/web", "rollout status does not support pods (\"pod/web\")")]
    [InlineData("rollout status deployment/a deployment/b", "only supported on individual resources")]
    [InlineData("rollout status deploy/x --timeout=soon", "invalid value \"soon\" for --timeout")]
    [InlineData("rollout history deploy/x --revision=-2", "--revision must be a positive integer: -2")]
    [InlineData("rollout undo", "required resource not specified")]
    [InlineData("set image deployment/my-app", "at least one image update is required")]
    [InlineData("set image pod/x svc/y app=z", "set image does not support services")]
    [InlineData("scale deployment/my-app", "\"replicas\" not set")]
    [InlineData("scale deployment/my-app --replicas=-3", "--replicas=-3")]
    [InlineData("scale svc/my-app --replicas=3", "scale does not support services")]
    [InlineData("cordon", "give the name of the node")]
    [InlineData("drain pod/x", "drain works on nodes, not pods")]
    [InlineData("drain node-1 --timeout=forever", "invalid value \"forever\" for --timeout")]
    [InlineData("logs", "POD or TYPE/NAME is a required argument for the logs command")]
    [InlineData("logs web -l app=web", "only a selector (-l) or a POD name is allowed")]
    [InlineData("logs web --since=soon", "invalid value \"soon\" for --since")]
    [InlineData("logs web --since-time=yesterday", "invalid value \"yesterday\" for --since-time")]
    [InlineData("logs web --pod-running-timeout=0", "--pod-running-timeout must be higher than zero")]
    [InlineData("exec deploy/web --pod-running-timeout=0 -- true", "--pod-running-timeout must be higher than zero")]
    [InlineData("port-forward svc/web 80 --pod-running-timeout=0", "--pod-running-timeout must be higher than zero")]
    [InlineData("logs deploy/web --pod-running-timeout=soon", "invalid value \"soon\" for --pod-running-timeout")]
    public async Task Run_BadArguments_OneErrorLineExitOne(string commandLine, string expected)
    {
        var (exitCode, output, error) = await RunAsync(commandLine.Split(' '));
        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WatchFalseAndRevisionWithEquals_Accepted()
    {
        var root = CliApplication.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null, TimeProvider.System));
        var parse = root.Parse(["rollout", "status", "deployment/my-app", "--watch=false", "--revision=3", "--timeout=1m", "-n", "prod"]);
        Assert.Empty(parse.Errors);
        Assert.False(parse.GetValue<bool>("--watch"));
        Assert.Equal(3, parse.GetValue<long>("--revision"));
        Assert.Equal("prod", parse.GetValue(GlobalOptions.Namespace));
    }

    [Fact]
    public void Parse_UndoToRevision_Accepted()
    {
        var root = CliApplication.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null, TimeProvider.System));
        var parse = root.Parse(["rollout", "undo", "deploy/my-app", "--to-revision=2"]);
        Assert.Empty(parse.Errors);
        Assert.Equal(2, parse.GetValue<long>("--to-revision"));
    }

    [Theory]
    [InlineData("2024-03-01T12:30:05+00:00", "2024-03-01T12:30:05Z")]
    [InlineData("2024-03-01T12:30:05+02:00", "2024-03-01T12:30:05+02:00")]
    [InlineData("2024-03-01T12:30:05-05:30", "2024-03-01T12:30:05-05:30")]
    public void Rfc3339_Offsets_FormattedAsGo(string time, string expected) =>
        Assert.Equal(expected, RolloutRestartCommand.Rfc3339(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void RestartPatch_SetsTemplateAnnotationOnly() =>
        Assert.Equal(
            """{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-03-01T12:30:05Z"}}}}}""",
            RolloutRestartCommand.Patch(new DateTimeOffset(2024, 3, 1, 12, 30, 5, TimeSpan.Zero)));

    [Theory]
    [InlineData("node-1", "node-1")]
    [InlineData("node/node-1", "node-1")]
    [InlineData("nodes/node-1", "node-1")]
    [InlineData("no/node-1", "node-1")]
    public void NodeNames_BareOrTyped_Name(string arg, string expected) =>
        Assert.Equal([expected], CordonCommand.NodeNames([arg], "cordon"));
}
