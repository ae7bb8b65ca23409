from source_centra.run import run

if __name__ == "__main__":
    run()
