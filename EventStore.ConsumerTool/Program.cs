using EventStore.ConsumerTool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, press) =>
{
    press.Cancel = true;
    stop.Cancel();
};
return await ConsumerToolCommand.RunAsync(args, Environment.GetEnvironmentVariable(ToolArguments.ConnectionVariable), Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
