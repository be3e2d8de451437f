@echo off
rem The sluice command on Windows: runs the jar the build makes (cli\target\sluice.jar).
rem SLUICE_JAVA_OPTS: more JVM options; SLUICE_CLASSPATH: more jars (block types of your application).
setlocal
set "JAR=%~dp0..\cli\target\sluice.jar"
if not exist "%JAR%" (
  echo sluice: %JAR% is missing; build it with: mvnw.cmd -B package -DskipTests 1>&2
  exit /b 4
)
set "JAVA=java"
if defined JAVA_HOME set "JAVA=%JAVA_HOME%\bin\java"
set "CP=%JAR%"
if defined SLUICE_CLASSPATH set "CP=%JAR%;%SLUICE_CLASSPATH%"
"%JAVA%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC %SLUICE_JAVA_OPTS% --enable-native-access=ALL-UNNAMED -cp "%CP%" dev.sluice.cli.SluiceCli %*
exit /b %ERRORLEVEL%
