using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Describe;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>`drover describe KIND [NAME...]`: a readable summary plus the object's events.</summary>
internal static class DescribeCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string>("KIND") { Description = "Resource kind (or KIND/NAME)" };
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Names; all objects when omitted" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector when no name is given" };
        var command = new Command("describe", "Show details of objects and their events");
        command.Arguments.Add(kind);
        command.Arguments.Add(names);
        command.Options.Add(selector);
        command.SetAction((parse, ct) => RunAsync(context, parse, parse.GetValue(kind)!, parse.GetValue(names) ?? [], parse.GetValue(selector), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, string kindText, string[] names, string? selector, CancellationToken ct)
    {
        var slash = kindText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            names = [kindText[(slash + 1)..], .. names];
            kindText = kindText[..slash];
        }
        var type = ResourceKinds.Resolve(kindText);
        using var session = CommandSession.Open(parse);
        var ns = session.NamespaceFor(type);
        var exitCode = 0;
        var objects = new List<KubeObject>();
        if (names.Length == 0)
        {
            objects.AddRange((await session.Client.ListAsync(type, ns, selector, ct: ct).ConfigureAwait(false)).Items);
            if (objects.Count == 0)
                await context.Error.WriteLineAsync(GetCommand.NoResources(type, ns)).ConfigureAwait(false);
        }
        foreach (var name in names)
        {
            try
            {
                objects.Add(await session.Client.GetAsync(type, ns, name, ct).ConfigureAwait(false));
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                await context.Error.WriteLineAsync(ErrorMessages.FromServer(e)).ConfigureAwait(false);
                exitCode = 1;
            }
        }
        for (var i = 0; i < objects.Count; i++)
        {
            var input = await GatherAsync(session.Client, type, objects[i], ct).ConfigureAwait(false);
            if (i > 0)
                await context.Out.WriteLineAsync().ConfigureAwait(false);
            await context.Out.WriteAsync(Describers.Describe(input, context.Time.GetUtcNow(), context.Time.LocalTimeZone)).ConfigureAwait(false);
        }
        return exitCode;
    }

    private static async Task<DescribeInput> GatherAsync(DroverClient client, ResourceType type, KubeObject obj, CancellationToken ct)
    {
        var ns = type.Namespaced ? obj.Metadata.Namespace : null;
        IReadOnlyList<Event> events;
        try
        {
            var selector = $"involvedObject.name={obj.Metadata.Name},involvedObject.kind={type.Kind}";
            // Events of cluster-scoped objects are recorded in "default", as Kubernetes does.
            var page = await client.ListAsync(ResourceTypes.Events, ns ?? "default", fieldSelector: selector, ct: ct).ConfigureAwait(false);
            events = [.. page.Items.Cast<Event>()];
        }
        catch (ApiClientException e) when (e.Code != 0)
        {
            // Events are a courtesy; a description without them is still worth printing.
            events = [];
        }
        Endpoints? endpoints = null;
        if (obj is Service)
            endpoints = await client.TryGetAsync(ResourceTypes.Endpoints, ns, obj.Metadata.Name!, ct).ConfigureAwait(false);
        return new DescribeInput(obj, type, events, endpoints);
    }
}
