using System.CommandLine;
using System.Security.Authentication;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Commands;
using Drover.Cli.Output;

namespace Drover.Cli;

/// <summary>Builds the command tree and turns every expected failure into one clean line and exit code 1.</summary>
internal static class CliApplication
{
    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("drover: operate a Drover cluster (kubectl-compatible verbs)");
        root.Options.Add(GlobalOptions.Config);
        root.Options.Add(GlobalOptions.Context);
        root.Options.Add(GlobalOptions.Namespace);
        root.Subcommands.Add(ApplyCommand.Create(context));
        root.Subcommands.Add(GetCommand.Create(context));
        root.Subcommands.Add(CreateCommand.Create(context));
        root.Subcommands.Add(DescribeCommand.Create(context));
        root.Subcommands.Add(DeleteCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(ExecCommand.Create(context));
        root.Subcommands.Add(PortForwardCommand.Create(context));
        root.Subcommands.Add(SetCommand.Create(context));
        root.Subcommands.Add(RolloutCommand.Create(context));
        root.Subcommands.Add(ScaleCommand.Create(context));
        root.Subcommands.Add(MetadataCommand.Label(context));
        root.Subcommands.Add(MetadataCommand.Annotate(context));
        root.Subcommands.Add(PatchCommand.Create(context));
        root.Subcommands.Add(WaitCommand.Create(context));
        root.Subcommands.Add(DiffCommand.Create(context));
        root.Subcommands.Add(EditCommand.Create(context));
        root.Subcommands.Add(CordonCommand.Create(context, cordon: true));
        root.Subcommands.Add(CordonCommand.Create(context, cordon: false));
        root.Subcommands.Add(DrainCommand.Create(context));
        root.Subcommands.Add(TopCommand.Create(context));
        root.Subcommands.Add(TokenCommand.Create(context));
        root.Subcommands.Add(CertificateCommand.Create(context));
        root.Subcommands.Add(ApiResourcesCommand.Create(context));
        root.Subcommands.Add(ExplainCommand.Create(context));
        root.Subcommands.Add(VersionCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = BuildRoot(context);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Our own handler below prints one line; the default one prints a stack trace.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await context.Error.WriteLineAsync(message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The line to print for a failure we expect; null lets anything else surface as a bug.</summary>
    internal static string? Describe(Exception e) => e switch
    {
        CliException cli => cli.Message,
        ApiClientException api => ErrorMessages.FromServer(api),
        ClientConfigException config => "error: " + config.Message,
        ManifestException manifest => "error: " + manifest.Message,
        IOException or UnauthorizedAccessException => "error: " + e.Message,
        AuthenticationException => "error: TLS handshake with droverd failed: " + e.Message,
        // The client's per-request timeout surfaces as a cancellation nobody asked for.
        OperationCanceledException => "error: the request to droverd timed out or was interrupted",
        _ => null,
    };
}
