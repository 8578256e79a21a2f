using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout restart deployment/NAME`: a new template annotation, so the controller rolls every pod.</summary>
internal static class RolloutRestartCommand
{
    public const string RestartedAtAnnotation = WellKnownAnnotations.RestartedAt;

    public static Command Create(CliContext context)
    {
        var resource = RolloutCommand.ResourceArgument();
        var command = new Command("restart", "Restart a Deployment's pods with a rolling update");
        command.Arguments.Add(resource);
        command.SetAction(async (parse, ct) =>
        {
            var targets = RolloutCommand.Targets(parse, resource, "rollout restart");
            using var session = CommandSession.Open(parse);
            var patch = Patch(context.Time.GetLocalNow());
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var deployment = (Deployment)await session.Client.GetAsync(target.Type, session.Namespace, target.Name, ct).ConfigureAwait(false);
                // A paused Deployment would take the annotation and roll nothing: say so rather than pretend.
                if (deployment.Spec.Paused == true)
                    throw new CliException($"error: {target.Quoted} can't restart paused deployment (run 'drover rollout resume {target.Type.Singular}/{target.Name}' first)");
                await session.Client.PatchAsync(target.Type, session.Namespace, target.Name, patch, ct: ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} restarted").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The merge patch kubectl's ObjectRestarter sends: the template annotation set to now, in RFC 3339.</summary>
    internal static string Patch(DateTimeOffset now)
    {
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["annotations"] = new JsonObject { [RestartedAtAnnotation] = Rfc3339(now) },
                    },
                },
            },
        };
        return patch.ToJsonString();
    }

    /// <summary>Go's time.RFC3339 ("2006-01-02T15:04:05Z07:00"): "Z" for UTC, else the offset.</summary>
    internal static string Rfc3339(DateTimeOffset time) => time.Offset == TimeSpan.Zero
        ? time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
