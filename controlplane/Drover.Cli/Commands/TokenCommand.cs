using Drover.Api.Printing;
using System.CommandLine;
using Drover.Api.Client;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover token list|create|revoke`: the nodes' credentials. Agents renew theirs by themselves before they expire;
/// these are for the admin: see when each ends, cut a node off (revoke), or give a node a fresh one by hand (create
/// prints the node.config that goes to the node's DATA/credentials/, where the running agent picks it up).
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("token", "Manage node credentials (the agents renew them by themselves)");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Revoke(context));
        command.Subcommands.Add(Issue(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List every node's credential: when it was issued, when it expires, a renewal in progress");
        command.Aliases.Add("ls");
        command.SetAction(async (parse, ct) =>
        {
            using var session = CommandSession.Open(parse);
            var list = await NodeCredentialApi.ListAsync(session.Client, ct).ConfigureAwait(false);
            if (list.Items.Count == 0)
            {
                await context.Error.WriteLineAsync("No node credentials found.").ConfigureAwait(false);
                return 0;
            }
            var now = context.Time.GetUtcNow();
            var rows = new List<string[]> { new[] { "NODE", "ISSUED", "EXPIRES", "STATE" } };
            foreach (var item in list.Items)
                rows.Add([item.NodeName, Ago(item.IssuedAt, now), In(item.ExpiresAt, now), State(item, now)]);
            await context.Out.WriteAsync(new TablePrinter([], wide: false, withNamespace: false).Format(rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var nodes = CordonCommand.NodeArgument();
        var command = new Command("revoke", "Revoke every credential of a node at once (its agent is refused until it gets a new one)") { nodes };
        command.Aliases.Add("delete");
        command.SetAction(async (parse, ct) =>
        {
            var names = CordonCommand.NodeNames(parse.GetValue(nodes) ?? [], "token revoke");
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, names, async name =>
            {
                await NodeCredentialApi.RevokeAsync(session.Client, name, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"node credential \"{name}\" revoked").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Issue(CliContext context)
    {
        var node = new Argument<string>("NODE") { Description = "The node the credential is for" };
        var output = new Option<string?>("--output-file") { Description = "Write the node.config there (0600) instead of to stdout" };
        var command = new Command("create", "Issue a fresh credential for a node, replacing every earlier one, and print its node.config (for the node's DATA/credentials/node.config)") { node, output };
        command.SetAction(async (parse, ct) =>
        {
            var name = CordonCommand.NodeNames([parse.GetValue(node)!], "token create")[0];
            using var session = CommandSession.Open(parse);
            var issued = await NodeCredentialApi.IssueAsync(session.Client, name, ct).ConfigureAwait(false);
            var settings = session.Client.Settings;
            // The same kubeconfig-shaped file the agent writes when it joins; it keeps its own --server, so the address here only informs.
            var config = ClientSettings.Render(settings.Servers, issued.Token ?? "", settings.CaPem, "drover", "system:node:" + name);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                SecretFile.Write(path, config);
                await context.Error.WriteLineAsync($"node credential for \"{name}\" written to {path}: copy it to the node's DATA/credentials/node.config").ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteAsync(config).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static string State(NodeCredentialStatus item, DateTimeOffset now)
    {
        if (item.ExpiresAt is { } end && end <= now)
            return "Expired";
        if (item.PendingIssuedAt is not null)
            return "Renewing";
        if (item.PreviousValidUntil is { } until && until > now)
            return $"Renewed (previous valid {In(until, now)} more)";
        return item.ExpiresAt is null ? "Active (no expiry: renewed at the agent's next start)" : "Active";
    }

    private static string Ago(DateTimeOffset? time, DateTimeOffset now) => time is { } t ? HumanDuration.Since(t, now) + " ago" : Cells.None;

    private static string In(DateTimeOffset? time, DateTimeOffset now) => time is { } t
        ? t > now ? "in " + HumanDuration.Format(t - now) : HumanDuration.Format(now - t) + " ago"
        : "never";
}
