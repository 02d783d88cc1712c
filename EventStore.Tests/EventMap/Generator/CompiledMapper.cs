using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace EventStore.Tests.EventMap.Generator;

/// <summary>
/// A generated mapper compiled and loaded into its own collectible load context, called by name. EventStore.Core
/// resolves from the test run's context, so the store types it returns are the tests' own.
/// </summary>
internal sealed class CompiledMapper
{
    private readonly Type _mapper;

    private CompiledMapper(Type mapper) => _mapper = mapper;

    public static CompiledMapper Load(Compilation compilation, string mapperName)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        emitted.Success.ShouldBeTrue(string.Join(Environment.NewLine, emitted.Diagnostics));
        image.Position = 0;
        var assembly = new AssemblyLoadContext(mapperName, isCollectible: true).LoadFromStream(image);
        return new CompiledMapper(assembly.GetType(mapperName, throwOnError: true)!);
    }

    public T Call<T>(string method, params object?[] arguments) =>
        (T)_mapper.GetMethod(method)!.Invoke(null, BindingFlags.DoNotWrapExceptions, null, arguments, null)!;

    public T CallGeneric<T>(string method, Type typeArgument, params object?[] arguments) =>
        (T)_mapper.GetMethod(method)!.MakeGenericMethod(typeArgument).Invoke(null, BindingFlags.DoNotWrapExceptions, null, arguments, null)!;

    public Type TypeOf(string name) => _mapper.Assembly.GetType(name, throwOnError: true)!;
}
