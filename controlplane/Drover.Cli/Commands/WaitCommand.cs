using System.CommandLine;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Output;
using Drover.Cli.Wait;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover wait KIND/NAME… --for=condition=Available|delete|create|jsonpath=… [--timeout=30s]`, or a kind with
/// `-l SELECTOR` / `--all`: checks each object every half second until it meets the condition, then prints
/// "KIND/NAME condition met"; at the timeout it prints kubectl's message and exits 1.
/// </summary>
internal static class WaitCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("RESOURCE") { Arity = ArgumentArity.OneOrMore, Description = "KIND/NAME…, KIND NAME…, or KIND with -l/--all" };
        var condition = new Option<string?>("--for") { Description = "delete, create, condition=NAME[=VALUE] or jsonpath=TEMPLATE[=VALUE]" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait, e.g. 60s (kubectl's default 30s); 0 checks once", DefaultValueFactory = _ => "30s" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Wait for the objects of KIND this label selector matches" };
        var all = new Option<bool>("--all") { Description = "Wait for every object of KIND in the namespace" };
        var command = new Command("wait", "Wait for a condition on one or many objects");
        command.Arguments.Add(args);
        command.Options.Add(condition);
        command.Options.Add(timeout);
        command.Options.Add(selector);
        command.Options.Add(all);
        command.SetAction(async (parse, ct) =>
        {
            var wanted = WaitCondition.Parse(parse.GetValue(condition));
            var limit = GoDuration.Parse(parse.GetValue(timeout), "--timeout");
            using var session = CommandSession.Open(parse);
            var targets = await TargetsAsync(session, parse.GetValue(args) ?? [], parse.GetValue(selector), parse.GetValue(all), ct).ConfigureAwait(false);
            if (targets.Count == 0)
            {
                await context.Error.WriteLineAsync("error: no matching resources found").ConfigureAwait(false);
                return 1;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (limit > TimeSpan.Zero)
                deadline.CancelAfter(limit);
            foreach (var target in targets)
            {
                if (!await WaitOneAsync(context, session, target, wanted, limit == TimeSpan.Zero, deadline.Token, ct).ConfigureAwait(false))
                {
                    await context.Error.WriteLineAsync($"error: timed out waiting for the condition on {ResourceKinds.PluralQualified(target.Type)}/{target.Name}").ConfigureAwait(false);
                    return 1;
                }
                await context.Out.WriteLineAsync($"{target.Display} condition met").ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<ResourceTarget>> TargetsAsync(CommandSession session, string[] args, string? selector, bool all, CancellationToken ct)
    {
        if (selector is null && !all)
            return ResourceArguments.Parse(args, "wait", ResourceTypes.All);
        if (selector is not null && all)
            throw new CliException("error: --all and --selector cannot be used together");
        if (args.Length != 1 || args[0].Contains('/', StringComparison.Ordinal))
            throw new CliException("error: --selector and --all take a resource type only, e.g. drover wait pods -l app=my-app --for=condition=Ready");
        var type = ResourceKinds.Resolve(args[0]);
        var page = await session.Client.ListAsync(type, session.NamespaceFor(type), selector, ct: ct).ConfigureAwait(false);
        return [.. page.Items.Select(o => new ResourceTarget(type, o.Metadata.Name!))];
    }

    private static async Task<bool> WaitOneAsync(CliContext context, CommandSession session, ResourceTarget target, WaitCondition wanted, bool once, CancellationToken deadline, CancellationToken ct)
    {
        var ns = session.NamespaceFor(target.Type);
        try
        {
            while (true)
            {
                var obj = await session.Client.TryGetAsync(target.Type, ns, target.Name, deadline).ConfigureAwait(false);
                if (obj is null && wanted.NeedsObject)
                    throw new CliException($"Error from server (NotFound): {target.Quoted} not found");
                using (var document = obj is null ? null : JsonDocument.Parse(JsonOutput.Object(target.Type, obj)))
                {
                    if (wanted.IsMet(document?.RootElement))
                        return true;
                }
                if (once)
                    return false;
                await Task.Delay(PollInterval, context.Time, deadline).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
