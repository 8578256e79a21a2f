using System.CommandLine;
using Drover.Api;
using Drover.Cli.Create;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover create job NAME --from=cronjob/CRON` (run a CronJob's Job now) and `drover create secret docker-registry …`
/// (<see cref="CreateSecretCommand"/>), as kubectl's.
/// </summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("create", "Create a resource: job NAME --from=cronjob/NAME, secret docker-registry NAME …");
        command.Subcommands.Add(CreateJob(context));
        command.Subcommands.Add(CreateSecretCommand.Create(context));
        return command;
    }

    private static Command CreateJob(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Name of the Job to create" };
        var from = new Option<string?>("--from") { Description = "The CronJob whose jobTemplate the Job is made from: cronjob/NAME" };
        var command = new Command("job", "Create a Job from a CronJob's template (--from=cronjob/NAME)");
        command.Arguments.Add(name);
        command.Options.Add(from);
        command.SetAction(async (parse, ct) =>
        {
            var jobName = parse.GetValue(name);
            if (string.IsNullOrEmpty(jobName))
                throw new CliException("error: NAME is required: drover create job NAME --from=cronjob/NAME");
            var source = CronJobName(parse.GetValue(from));
            using var session = CommandSession.Open(parse);
            var cronJob = await session.Client.GetAsync(ResourceTypes.CronJobs, session.Namespace, source, ct).ConfigureAwait(false);
            var created = await session.Client.CreateAsync(ResourceTypes.Jobs, JobFromCronJob.Build(cronJob, jobName), ct).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"{ResourceTypes.Jobs.QualifiedName}/{created.Metadata.Name} created").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>--from as kubectl takes it: cronjob/NAME (cj/NAME, cronjobs.batch/NAME); anything else is refused by name.</summary>
    internal static string CronJobName(string? from)
    {
        if (string.IsNullOrEmpty(from))
            throw new CliException("error: --from=cronjob/NAME is required (a Job from an image is not supported: write it as a manifest and apply it)");
        var slash = from.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == from.Length - 1)
            throw new CliException($"error: from must be of the form cronjob/NAME, not \"{from}\"");
        if (ResourceTypes.FindByCommandLineName(from[..slash]) != ResourceTypes.CronJobs)
            throw new CliException($"error: from must be an existing cronjob: \"{from}\"");
        return from[(slash + 1)..];
    }
}
