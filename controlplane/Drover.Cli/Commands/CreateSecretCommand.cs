using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Apply;
using Drover.Cli.Create;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover create secret docker-registry NAME --docker-server=… --docker-username=… --docker-password=… [--docker-email=…]
/// [--from-file=[key=]path] [--dry-run=none|client|server] [-o json|yaml|name|jsonpath=…]`, as kubectl 1.32's: the
/// Secret (<see cref="DockerRegistrySecret"/>) is printed without a server for --dry-run=client, created with
/// dryRun=All for server, and created otherwise (field manager kubectl-create, as kubectl's).
/// </summary>
internal static class CreateSecretCommand
{
    private const string FieldManager = "kubectl-create";
    private const string Printers = "go-template,go-template-file,json,jsonpath,jsonpath-file,name,template,templatefile,yaml";

    public static Command Create(CliContext context)
    {
        var command = new Command("secret", "Create a secret: docker-registry NAME --docker-server=… --docker-username=… --docker-password=…");
        command.Subcommands.Add(DockerRegistry(context));
        return command;
    }

    private static Command DockerRegistry(CliContext context)
    {
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Name of the Secret" };
        // Zero or one: `--docker-server=` is an empty value (which kubectl refuses by its own message), not a parse error.
        var server = new Option<string?>("--docker-server") { Description = "Server location for Docker registry (default https://index.docker.io/v1/)", Arity = ArgumentArity.ZeroOrOne };
        var username = new Option<string?>("--docker-username") { Description = "Username for Docker registry authentication", Arity = ArgumentArity.ZeroOrOne };
        var password = new Option<string?>("--docker-password") { Description = "Password for Docker registry authentication", Arity = ArgumentArity.ZeroOrOne };
        var email = new Option<string?>("--docker-email") { Description = "Email for Docker registry", Arity = ArgumentArity.ZeroOrOne };
        var fromFile = new Option<string[]>("--from-file") { Description = "[key=]path of a docker config file (key .dockerconfigjson when none is given); repeatable, or comma-separated", AllowMultipleArgumentsPerToken = false };
        var dryRun = new Option<string?>("--dry-run") { Description = "none, client (print it, send nothing) or server (the server checks it but stores nothing)" };
        var output = new Option<string?>("--output", "-o") { Description = "Output format: json, yaml, name, jsonpath=TEMPLATE" };
        var command = new Command("docker-registry", "Create a secret for use with a Docker registry (type kubernetes.io/dockerconfigjson)");
        command.Arguments.Add(names);
        foreach (var option in new Option[] { server, username, password, email, fromFile, dryRun, output })
            command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(names) ?? [];
            if (given.Length != 1)
                throw new CliException($"error: exactly one NAME is required, got {given.Length}\nSee 'drover create secret docker-registry -h' for help and examples");
            var mode = ApplyOptions.ParseDryRun(parse.GetValue(dryRun));
            var format = OutputFormats.Parse(parse.GetValue(output));
            if (format.IsTable && parse.GetValue(output) is { Length: > 0 } asked)
                throw new CliException($"error: unable to match a printer suitable for the output format \"{asked}\", allowed formats are: {Printers}");
            var sources = (parse.GetValue(fromFile) ?? []).SelectMany(v => v.Split(',')).ToList();
            var explicitNamespace = parse.GetValue(GlobalOptions.Namespace);
            var secret = DockerRegistrySecret.Build(given[0], string.IsNullOrEmpty(explicitNamespace) ? null : explicitNamespace,
                Given(server), Given(username), Given(password), Given(email), sources);
            KubeObject result = secret;
            if (mode != DryRun.Client)
            {
                using var session = CommandSession.Open(parse);
                result = await CreateAsync(session.Client, session.Namespace, secret, mode == DryRun.Server, ct).ConfigureAwait(false);
            }

            var printed = format.IsTable
                ? $"{ResourceTypes.Secrets.Singular}/{result.Metadata.Name} created{new ApplyOptions(mode).Suffix}\n"
                : GetCommand.Printed(format, [(ResourceTypes.Secrets, result)], asList: false);
            await context.Out.WriteAsync(printed).ConfigureAwait(false);
            return 0;

            // null when the flag is absent, "" when it is there without a value.
            string? Given(Option<string?> option) => parse.GetValue(option) ?? (parse.GetResult(option) is null ? null : "");
        });
        return command;
    }

    private static async Task<KubeObject> CreateAsync(DroverClient client, string ns, Secret secret, bool dryRun, CancellationToken ct)
    {
        var path = DroverClient.CollectionPath(ResourceTypes.Secrets, ns) + "?fieldManager=" + FieldManager + (dryRun ? "&dryRun=All" : "");
        try
        {
            var answer = await client.SendRawAsync(HttpMethod.Post, path, ResourceTypes.Secrets.SerializeToUtf8Bytes(secret), "application/json", ct).ConfigureAwait(false);
            return ResourceTypes.Secrets.Deserialize(answer);
        }
        catch (ApiClientException e) when (e.Code != 0)
        {
            throw new CliException("error: failed to create secret " + e.Message);
        }
    }
}
