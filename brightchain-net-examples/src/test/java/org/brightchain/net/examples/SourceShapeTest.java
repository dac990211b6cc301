package org.brightchain.net.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The shape the code keeps (docs/architecture.md): no source file in core or netty over 800 lines
 * but the reconciler's (and the front door with its builder, up to 1,000), the engine's composition
 * root within 700, and no method or constructor over 80 lines. Parsed with the JDK's own compiler
 * tree API, so a method is measured from its declaration to its closing brace.
 */
class SourceShapeTest {
  private static final List<Path> ROOTS =
      List.of(
          Path.of("../brightchain-net-core/src/main/java"),
          Path.of("../brightchain-net-netty/src/main/java"));
  private static final int MAX_FILE = 800;
  private static final int MAX_METHOD = 80;
  private static final Map<String, Integer> FILE_LIMITS =
      Map.of(
          "Reconciler.java",
          Integer.MAX_VALUE,
          "BrightChainNode.java",
          1000,
          "NodeEngine.java",
          700);

  @Test
  void filesAndMethodsStaySmall() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (Path root : ROOTS) {
      assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " exists");
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    List<String> problems = new ArrayList<>();
    for (Path p : sources) {
      long lines = Files.lines(p).count();
      int limit = FILE_LIMITS.getOrDefault(p.getFileName().toString(), MAX_FILE);
      if (lines > limit) {
        problems.add(p + ": " + lines + " lines (at most " + limit + ")");
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      JavacTask task =
          (JavacTask) javac.getTask(null, files, d -> {}, List.of("-proc:none"), null, units);
      SourcePositions positions = Trees.instance(task).getSourcePositions();
      for (CompilationUnitTree unit : task.parse()) {
        LineMap lines = unit.getLineMap();
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitMethod(MethodTree m, Void v) {
            long start = lines.getLineNumber(positions.getStartPosition(unit, m));
            long end = lines.getLineNumber(positions.getEndPosition(unit, m));
            if (end - start + 1 > MAX_METHOD) {
              problems.add(
                  unit.getSourceFile().getName()
                      + ":"
                      + start
                      + " "
                      + m.getName()
                      + ": "
                      + (end - start + 1)
                      + " lines (at most "
                      + MAX_METHOD
                      + ")");
            }
            return super.visitMethod(m, v);
          }
        }.scan(unit, null);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertTrue(sources.size() > 100, "the sources were found: " + sources.size());
  }
}
