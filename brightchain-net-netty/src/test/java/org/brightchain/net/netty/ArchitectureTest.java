package org.brightchain.net.netty;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;

/**
 * The rules between the packages of brightchain-net-api, -core and -netty, checked on their
 * compiled main classes (tests are not imported). It lives in the netty module because that is the
 * one module whose test class path holds all three.
 *
 * <p>The layers, from the bottom:
 *
 * <ul>
 *   <li>the API module ({@code org.brightchain.net}, {@code .config}, {@code .message}, {@code
 *       .spi}, {@code .internal}): JDK only;
 *   <li>core's internals ({@code org.brightchain.net.core.internal..}): the engine;
 *   <li>core's API ({@code org.brightchain.net.core}: the front door {@code BrightChainNode}, its
 *       builder and the public stores), on top of its internals; beside it {@code core.crypto}
 *       (which may use the JSON of {@code internal.wire} for the signed bytes) and {@code
 *       core.testing} (no internals at all);
 *   <li>netty, the only code that sees {@code io.netty}.
 * </ul>
 *
 * <p>These are ArchUnit tests, run by ArchUnit's own JUnit 5 engine: a rule is switched off with
 * {@code @ArchIgnore(reason = ...)}, JUnit's {@code @Disabled} has no effect on them.
 */
@AnalyzeClasses(
    packages = "org.brightchain.net",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The packages of the brightchain-net-api module. */
  private static final String[] API_PACKAGES = {
    "org.brightchain.net",
    "org.brightchain.net.config..",
    "org.brightchain.net.message..",
    "org.brightchain.net.spi..",
    "org.brightchain.net.internal.."
  };

  /** The import is what the rules think it is: main classes of all three modules, no tests. */
  @ArchTest
  static void imports_the_main_classes_of_api_core_and_netty(JavaClasses classes) {
    for (String module : List.of("api", "core", "netty")) {
      assertTrue(
          classes.stream().anyMatch(c -> isIn(c, "/brightchain-net-" + module + "/")),
          "main classes of brightchain-net-" + module + " are imported");
    }
    assertTrue(classes.contain("org.brightchain.net.core.BrightChainNode"));
    assertTrue(classes.containPackage("org.brightchain.net.core.internal"));
    assertFalse(classes.contain(ArchitectureTest.class), "tests are not imported");
    assertFalse(
        classes.stream().anyMatch(c -> isIn(c, "/test-classes/")), "tests are not imported");
  }

  private static boolean isIn(JavaClass c, String path) {
    return c.getSource().map(s -> s.getUri().toString().contains(path)).orElse(false);
  }

  // ---- no package cycles ----

  @ArchTest
  static final ArchRule core_packages_are_free_of_cycles =
      slices().assignedFrom(eachPackageUnder("org.brightchain.net.core")).should().beFreeOfCycles();

  @ArchTest
  static final ArchRule netty_packages_are_free_of_cycles =
      slices()
          .assignedFrom(eachPackageUnder("org.brightchain.net.netty"))
          .should()
          .beFreeOfCycles();

  // ---- Netty stays in the netty module ----

  @ArchTest
  static final ArchRule api_and_core_do_not_depend_on_netty =
      noClasses()
          .that()
          .resideInAnyPackage(API_PACKAGES)
          .or()
          .resideInAPackage("org.brightchain.net.core..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.netty..")
          .because("only brightchain-net-netty is built on Netty");

  // ---- the API module depends on the JDK only ----

  @ArchTest
  static final ArchRule api_does_not_depend_on_implementations_or_libraries =
      noClasses()
          .that()
          .resideInAnyPackage(API_PACKAGES)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.brightchain.net.core..",
              "org.brightchain.net.netty..",
              "org.bouncycastle..",
              "com.google.protobuf..",
              "com.github.benmanes.caffeine..",
              "org.xbill.DNS..")
          .because("brightchain-net-api holds the contracts and depends on the JDK only");

  // ---- the layers of core ----

  @ArchTest
  static final ArchRule core_api_package_holds_only_api_types =
      classes()
          .that()
          .resideInAPackage("org.brightchain.net.core")
          .and()
          .areTopLevelClasses()
          .and()
          .doNotHaveSimpleName("package-info")
          .should()
          .bePublic()
          .because(
              "org.brightchain.net.core is API (the front door and the public stores); the"
                  + " engine lives under core.internal");

  @ArchTest
  static final ArchRule core_internals_do_not_depend_on_the_core_api_package =
      noClasses()
          .that()
          .resideInAPackage("org.brightchain.net.core.internal..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.brightchain.net.core")
          .because(
              "org.brightchain.net.core (the front door and the public stores) sits on top of"
                  + " the engine under core.internal, not beside it");

  @ArchTest
  static final ArchRule core_crypto_uses_no_internals_but_wire =
      noClasses()
          .that()
          .resideInAPackage("org.brightchain.net.core.crypto..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.brightchain.net.core.internal..")
                  .and(not(resideInAPackage("org.brightchain.net.core.internal.wire.."))))
          .because("signing needs the canonical JSON of internal.wire and nothing else inside");

  @ArchTest
  static final ArchRule core_testing_uses_no_internals =
      noClasses()
          .that()
          .resideInAPackage("org.brightchain.net.core.testing..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.brightchain.net.core.internal..")
          .because("the test kit is API and is built on API only");

  @ArchTest
  static final ArchRule the_front_door_does_not_hand_out_its_transport =
      noMethods()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("org.brightchain.net.core")
          .and()
          .arePublic()
          .should()
          .haveRawReturnType(org.brightchain.net.spi.Transport.class)
          .because(
              "a test that needs its node's transport makes it and passes it to the builder; the"
                  + " API does not expose the one a node runs on");

  /** One slice per package: {@code root} itself and each package below it. */
  private static SliceAssignment eachPackageUnder(String root) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String p = javaClass.getPackageName();
        return p.equals(root) || p.startsWith(root + ".")
            ? SliceIdentifier.of(p)
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "each package of " + root + "..";
      }
    };
  }
}
